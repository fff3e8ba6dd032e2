import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { APIGatewayClient, GetRestApiCommand, GetRestApisCommand } from "@aws-sdk/client-api-gateway";
import { AssumeRoleCommand, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import { capturingLog } from "../support/capturing-log.ts";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";
import {
  ACCOUNT,
  ALICE,
  BOB,
  CAROL,
  CREDENTIALS,
  OLGA,
  OSCAR,
  OTHER_ACCOUNT,
  ROLES,
  ROOT,
  roleArn,
  userArn,
} from "../support/iam-fixture.ts";
import { assumeRole, awsAs, stsClient } from "../support/sts.ts";

/**
 * STS on the admin listener, driven by the real AWS CLI and the SDK's STS client: AssumeRole against
 * each trust rule IAM has, GetCallerIdentity for users, the root and role sessions, and the
 * temporary credentials on the admin API.
 */
describe("STS AssumeRole and GetCallerIdentity", () => {
  let gw: TestGateway;
  const captured = capturingLog("debug");
  before(async () => {
    gw = await startTestGateway({ credentials: CREDENTIALS, roles: ROLES }, captured.log);
  });
  after(() => gw.close());

  test("aws sts assume-role returns ASIA… credentials; aws sts get-caller-identity with them names the session", async () => {
    const out = await awsAs(gw.adminPort, ALICE, [
      "sts",
      "assume-role",
      "--role-arn",
      roleArn("reader"),
      "--role-session-name",
      "cli-session",
      "--duration-seconds",
      "900",
    ]);
    assert.equal(out.status, 0, out.stderr);
    const json = out.json as {
      Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: string };
      AssumedRoleUser: { Arn: string; AssumedRoleId: string };
      PackedPolicySize?: number;
    };
    assert.match(json.Credentials.AccessKeyId, /^ASIA[A-Z2-7]{16}$/);
    assert.equal(json.Credentials.SecretAccessKey.length, 40);
    assert.ok(json.Credentials.SessionToken.length > 100);
    assert.equal(json.AssumedRoleUser.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/reader/cli-session`);
    assert.match(json.AssumedRoleUser.AssumedRoleId, /^AROA[A-Z2-7]{17}:cli-session$/);
    assert.equal(json.PackedPolicySize, undefined, "no session policy or tags: no PackedPolicySize");
    const who = await awsAs(
      gw.adminPort,
      {
        accessKeyId: json.Credentials.AccessKeyId,
        secretAccessKey: json.Credentials.SecretAccessKey,
        sessionToken: json.Credentials.SessionToken,
      },
      ["sts", "get-caller-identity"],
    );
    assert.equal(who.status, 0, who.stderr);
    assert.deepEqual(who.json, {
      UserId: json.AssumedRoleUser.AssumedRoleId,
      Account: ACCOUNT,
      Arn: json.AssumedRoleUser.Arn,
    });
  });

  test("the SDK's AssumeRoleCommand: duration, session policy and tags; the expiry is DurationSeconds away", async () => {
    const before = Date.now();
    const out = await stsClient(gw.adminPort, ALICE).send(
      new AssumeRoleCommand({
        RoleArn: roleArn("reader"),
        RoleSessionName: "sdk@example.com",
        DurationSeconds: 3600,
        Policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: "execute-api:Invoke", Resource: "*" }],
        }),
        Tags: [{ Key: "project", Value: "apollo" }],
      }),
    );
    const afterCall = Date.now();
    const expiry = out.Credentials!.Expiration!.getTime();
    // The Expiration is whole seconds: the call's window widened by one second either way.
    assert.ok(expiry >= before - 1000 + 3600_000 && expiry <= afterCall + 1000 + 3600_000, String(expiry));
    assert.equal(out.AssumedRoleUser!.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/reader/sdk@example.com`);
    assert.ok((out.PackedPolicySize ?? 0) >= 1 && (out.PackedPolicySize ?? 0) <= 100);
    assert.match(out.$metadata.requestId ?? "", /^[0-9a-f-]{36}$/);
  });

  test("GetCallerIdentity for the root, a user and a session; fromTemporaryCredentials assumes on the SDK's own", async () => {
    const root = await stsClient(gw.adminPort, ROOT).send(new GetCallerIdentityCommand({}));
    assert.deepEqual(
      { Arn: root.Arn, UserId: root.UserId, Account: root.Account },
      { Arn: `arn:aws:iam::${ACCOUNT}:root`, UserId: ACCOUNT, Account: ACCOUNT },
    );
    const alice = await stsClient(gw.adminPort, ALICE).send(new GetCallerIdentityCommand({}));
    assert.equal(alice.Arn, userArn("alice"));
    assert.match(alice.UserId ?? "", /^AIDA[A-Z2-7]{17}$/);
    const provider = fromTemporaryCredentials({
      masterCredentials: ALICE,
      params: { RoleArn: roleArn("reader"), RoleSessionName: "provider" },
      clientConfig: { endpoint: `http://127.0.0.1:${gw.adminPort}`, region: "us-east-1" },
    });
    const session = await stsClient(gw.adminPort, await provider()).send(new GetCallerIdentityCommand({}));
    assert.equal(session.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/reader/provider`);
    assert.match(session.UserId ?? "", /^AROA[A-Z2-7]{17}:provider$/);
  });

  test("trust policies as IAM reads them: a named caller; the account delegating to identity policies; another account needing both", async () => {
    const can = async (who: typeof ALICE, role: string, extra: Record<string, unknown> = {}) => {
      try {
        await assumeRole(gw.adminPort, who, { RoleArn: roleArn(role), RoleSessionName: "trial", ...extra });
        return "allowed";
      } catch (err) {
        const e = err as { name: string; message: string; $metadata: { httpStatusCode: number } };
        assert.equal(e.$metadata.httpStatusCode, 403);
        return `${e.name}: ${e.message}`;
      }
    };
    assert.equal(await can(ALICE, "reader"), "allowed", "named in the trust policy");
    assert.equal(await can(ROOT, "reader"), "allowed", "the account root, trusted through the account");
    assert.equal(
      await can(CAROL, "reader"),
      "allowed",
      "trusted through the account, allowed by her identity policy",
    );
    assert.equal(
      await can(BOB, "reader"),
      `AccessDenied: User: ${userArn("bob")} is not authorized to perform: sts:AssumeRole on resource: ${roleArn("reader")}`,
      "the account trusts, but no identity policy of his allows it",
    );
    assert.equal(await can(OLGA, "reader"), "allowed", "another account: trusted, and her policy allows");
    assert.match(
      await can(OSCAR, "reader"),
      /^AccessDenied: User: arn:aws:iam::111111111111:user\/oscar is not/,
    );
    assert.match(
      await can(ALICE, "nonexistent"),
      /^AccessDenied: .* on resource: arn:aws:iam::000000000000:role\/nonexistent$/,
    );
    // sts:ExternalId
    assert.match(await can(CAROL, "partner"), /^AccessDenied/);
    assert.match(await can(CAROL, "partner", { ExternalId: "wrong-id" }), /^AccessDenied/);
    assert.equal(await can(CAROL, "partner", { ExternalId: "s3cret-id" }), "allowed");
    // aws:PrincipalTag
    assert.equal(await can(ALICE, "team-blue"), "allowed");
    assert.match(await can(BOB, "team-blue"), /^AccessDenied/);
    // Session tags need sts:TagSession, and aws:RequestTag conditions see them.
    assert.match(
      await can(ALICE, "untaggable", { Tags: [{ Key: "project", Value: "apollo" }] }),
      /^AccessDenied: .* perform: sts:TagSession on resource: arn:aws:iam::000000000000:role\/untaggable$/,
    );
    assert.equal(await can(ALICE, "untaggable"), "allowed");
    assert.equal(await can(ALICE, "apollo", { Tags: [{ Key: "project", Value: "apollo" }] }), "allowed");
    assert.match(
      await can(ALICE, "apollo", { Tags: [{ Key: "project", Value: "gemini" }] }),
      /^AccessDenied/,
    );
    assert.ok(OTHER_ACCOUNT);
  });

  test("durations: the role's MaxSessionDuration, and one hour for role chaining (a trust naming the role admits its sessions)", async () => {
    await assumeRole(gw.adminPort, ALICE, {
      RoleArn: roleArn("reader"),
      RoleSessionName: "long",
      DurationSeconds: 7200,
    });
    await assert.rejects(
      assumeRole(gw.adminPort, ALICE, {
        RoleArn: roleArn("reader"),
        RoleSessionName: "long",
        DurationSeconds: 7201,
      }),
      {
        name: "ValidationError",
        message: "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
      },
    );
    const reader = await assumeRole(gw.adminPort, ALICE, {
      RoleArn: roleArn("reader"),
      RoleSessionName: "first",
    });
    const chained = await assumeRole(gw.adminPort, reader, {
      RoleArn: roleArn("chained"),
      RoleSessionName: "second",
    });
    const who = await stsClient(gw.adminPort, chained).send(new GetCallerIdentityCommand({}));
    assert.equal(who.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/chained/second`);
    await assert.rejects(
      assumeRole(gw.adminPort, reader, {
        RoleArn: roleArn("chained"),
        RoleSessionName: "xx",
        DurationSeconds: 3601,
      }),
      {
        name: "ValidationError",
        message:
          "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
      },
    );
    // A user the chained role does not trust is refused, though the reader role would take her.
    await assert.rejects(
      assumeRole(gw.adminPort, CAROL, { RoleArn: roleArn("chained"), RoleSessionName: "xx" }),
      { name: "AccessDenied" },
    );
  });

  test("temporary credentials on the admin API: the role's permission policies, then its session policy", async () => {
    const reader = await assumeRole(gw.adminPort, ALICE, {
      RoleArn: roleArn("reader"),
      RoleSessionName: "admin",
    });
    const config = { endpoint: `http://127.0.0.1:${gw.adminPort}`, region: "us-east-1", maxAttempts: 1 };
    const apis = await new APIGatewayClient({ ...config, credentials: reader }).send(
      new GetRestApisCommand({}),
    );
    assert.equal(apis.$metadata.httpStatusCode, 200);
    await assert.rejects(
      new APIGatewayClient({ ...config, credentials: reader }).send(
        new GetRestApiCommand({ restApiId: "abcdefghij" }),
      ),
      {
        name: "AccessDeniedException",
        message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/reader/admin is not authorized to perform: apigateway:GET on resource: arn:aws:apigateway:us-east-1::/restapis/abcdefghij because no identity-based policy allows the apigateway:GET action`,
      },
    );
    const limited = await assumeRole(gw.adminPort, ALICE, {
      RoleArn: roleArn("reader"),
      RoleSessionName: "limited",
      Policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "execute-api:Invoke", Resource: "*" }],
      }),
    });
    await assert.rejects(
      new APIGatewayClient({ ...config, credentials: limited }).send(new GetRestApisCommand({})),
      {
        name: "AccessDeniedException",
        message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/reader/limited is not authorized to perform: apigateway:GET on resource: arn:aws:apigateway:us-east-1::/restapis because no session policy allows the apigateway:GET action`,
      },
    );
  });

  test("no secret key or session token reaches the log", async () => {
    const creds = await assumeRole(gw.adminPort, ALICE, {
      RoleArn: roleArn("reader"),
      RoleSessionName: "quiet",
    });
    await stsClient(gw.adminPort, creds).send(new GetCallerIdentityCommand({}));
    const logged = captured.lines.join("\n");
    assert.ok(!logged.includes(creds.secretAccessKey));
    assert.ok(!logged.includes(creds.sessionToken!));
    assert.ok(!logged.includes(ALICE.secretAccessKey));
  });
});
