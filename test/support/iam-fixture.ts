/**
 * The principals and roles the STS and role-session tests share: users of the gateway's account and
 * of another, and roles whose trust policies each exercise one of IAM's rules.
 */
import type { Settings } from "../../src/config/settings.ts";

export const ACCOUNT = "000000000000";
export const OTHER_ACCOUNT = "111111111111";

export const ROOT = { accessKeyId: "test", secretAccessKey: "test" };
/** Trusted by name by several roles; no identity policy of her own; tagged team=blue. */
export const ALICE = { accessKeyId: "AKIDALICE", secretAccessKey: "alice-secret" };
/** No identity policies (declared empty), no tags: what an account-level trust cannot let in. */
export const BOB = { accessKeyId: "AKIDBOB", secretAccessKey: "bob-secret" };
/** May sts:AssumeRole any role of the account by her identity policy. */
export const CAROL = { accessKeyId: "AKIDCAROL", secretAccessKey: "carol-secret" };
/** Another account's user whose identity policy allows sts:AssumeRole. */
export const OLGA = { accessKeyId: "AKIDOLGA", secretAccessKey: "olga-secret" };
/** Another account's user with no identity policy. */
export const OSCAR = { accessKeyId: "AKIDOSCAR", secretAccessKey: "oscar-secret" };

export const roleArn = (name: string, account = ACCOUNT) => `arn:aws:iam::${account}:role/${name}`;
export const userArn = (name: string, account = ACCOUNT) => `arn:aws:iam::${account}:user/${name}`;

const allow = (action: string | string[], resource: string | string[] = "*") => ({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: action, Resource: resource }],
});

const trust = (...statements: object[]) => ({ Version: "2012-10-17", Statement: statements });

export const CREDENTIALS: Settings["credentials"] = [
  { ...ROOT, principal: `arn:aws:iam::${ACCOUNT}:root` },
  { ...ALICE, principal: userArn("alice"), policies: [], tags: { team: "blue" } },
  { ...BOB, principal: userArn("bob"), policies: [] },
  { ...CAROL, principal: userArn("carol"), policies: [allow("sts:AssumeRole", roleArn("*"))] },
  { ...OLGA, principal: userArn("olga", OTHER_ACCOUNT), policies: [allow("sts:AssumeRole")] },
  { ...OSCAR, principal: userArn("oscar", OTHER_ACCOUNT), policies: [] },
];

/** execute-api ARNs of any API of the account, by stage/METHOD/path. */
export const invokeArn = (rest: string) => `arn:aws:execute-api:us-east-1:${ACCOUNT}:*/${rest}`;

export const ROLES: NonNullable<Settings["roles"]> = [
  {
    // Alice by name (with session tags), the account (delegating to identity policies), and the other account.
    arn: roleArn("reader"),
    trustPolicy: trust(
      { Effect: "Allow", Principal: { AWS: userArn("alice") }, Action: ["sts:AssumeRole", "sts:TagSession"] },
      { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "sts:AssumeRole" },
      { Effect: "Allow", Principal: { AWS: OTHER_ACCOUNT }, Action: "sts:AssumeRole" },
    ),
    policies: [
      {
        Version: "2012-10-17",
        Statement: [
          { Sid: "Read", Effect: "Allow", Action: "execute-api:Invoke", Resource: invokeArn("prod/GET/*") },
          {
            Sid: "NoSecrets",
            Effect: "Deny",
            Action: "execute-api:Invoke",
            Resource: invokeArn("prod/GET/secret"),
          },
          {
            Sid: "ListApis",
            Effect: "Allow",
            Action: "apigateway:GET",
            Resource: "arn:aws:apigateway:us-east-1::/restapis",
          },
        ],
      },
    ],
    tags: { department: "research" },
    maxSessionDuration: 7200,
  },
  {
    arn: roleArn("partner"),
    trustPolicy: trust({
      Effect: "Allow",
      Principal: { AWS: ACCOUNT },
      Action: "sts:AssumeRole",
      Condition: { StringEquals: { "sts:ExternalId": "s3cret-id" } },
    }),
  },
  {
    arn: roleArn("team-blue"),
    trustPolicy: trust({
      Effect: "Allow",
      Principal: { AWS: [userArn("alice"), userArn("bob")] },
      Action: "sts:AssumeRole",
      Condition: { StringEquals: { "aws:PrincipalTag/team": "blue" } },
    }),
  },
  {
    arn: roleArn("untaggable"),
    trustPolicy: trust({ Effect: "Allow", Principal: { AWS: userArn("alice") }, Action: "sts:AssumeRole" }),
  },
  {
    arn: roleArn("apollo"),
    trustPolicy: trust({
      Effect: "Allow",
      Principal: { AWS: userArn("alice") },
      Action: ["sts:AssumeRole", "sts:TagSession"],
      Condition: { StringEquals: { "aws:RequestTag/project": "apollo" } },
    }),
  },
  {
    // Trusts the reader role: every session of it (role chaining).
    arn: roleArn("chained"),
    trustPolicy: trust({ Effect: "Allow", Principal: { AWS: roleArn("reader") }, Action: "sts:AssumeRole" }),
    policies: [allow("execute-api:Invoke", invokeArn("prod/*/*"))],
  },
];
