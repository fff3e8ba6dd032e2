import { createHash } from "node:crypto";
import type { ClientCert } from "../http/client-cert.ts";
import type { RequestContext } from "./context.ts";

/**
 * `$context.identity` (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html#context-variable-reference):
 * what API Gateway knows of the caller. `apiKey`/`apiKeyId` are the key's value and id on a method
 * that requires one (null elsewhere, even if the client sent one); `accessKey`, `accountId`,
 * `caller`, `user` and `userArn` describe the principal that signed an AWS_IAM method's request; the
 * `cognito*` fields are for Cognito identity-pool credentials, which Portico has none of; `clientCert`
 * is the certificate of a mutual TLS domain's client (absent elsewhere). Whatever does not apply is
 * null, which a template prints as nothing.
 */
export interface CallerIdentity {
  accessKey: string | null;
  accountId: string | null;
  apiKey: string | null;
  apiKeyId: string | null;
  caller: string | null;
  cognitoAuthenticationProvider: null;
  cognitoAuthenticationType: null;
  cognitoIdentityId: null;
  cognitoIdentityPoolId: null;
  principalOrgId: null;
  sourceIp: string;
  user: string | null;
  userAgent: string;
  userArn: string | null;
  clientCert?: ClientCert;
}

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** A stable stand-in for IAM's unique id of an ARN (`AIDA…`, `AROA…`: a prefix and 17 characters). */
function uniqueId(prefix: string, arn: string): string {
  const digest = createHash("sha256").update(arn).digest();
  let id = prefix;
  for (let i = 0; i < 17; i++) id += BASE32[digest[i]! & 31];
  return id;
}

/**
 * The principal id AWS reports as `caller` and `user`: the account for its root, `AIDA…` for an
 * IAM user, `AROA…:session` for an assumed role, `account:name` for a federated user. Portico's
 * credentials have no IAM unique ids, so the id is derived from the ARN: stable, and distinct per
 * principal, which is what a template can rely on.
 */
export function principalId(arn: string, accountId: string): string {
  const resource = /^arn:aws:(?:iam|sts)::\d{12}:(.+)$/.exec(arn)?.[1];
  if (resource === undefined) return arn;
  if (resource === "root") return accountId;
  if (resource.startsWith("user/")) return uniqueId("AIDA", arn);
  const assumed = /^assumed-role\/([^/]+)\/(.+)$/.exec(resource);
  if (assumed !== null)
    return `${uniqueId("AROA", `arn:aws:iam::${accountId}:role/${assumed[1]}`)}:${assumed[2]}`;
  if (resource.startsWith("role/")) return uniqueId("AROA", arn);
  const federated = /^federated-user\/(.+)$/.exec(resource);
  if (federated !== null) return `${accountId}:${federated[1]}`;
  return arn;
}

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

export function callerIdentity(ctx: RequestContext): CallerIdentity {
  const key = ctx.apiKey;
  const apiKey =
    key === undefined
      ? null
      : ((ctx.stage.apiKeySource === "AUTHORIZER"
          ? ctx.usageIdentifierKey
          : first(ctx.req.headers["x-api-key"])) ?? null);
  const principal = ctx.caller?.principal;
  const caller = principal === undefined ? null : principalId(principal.arn, principal.accountId);
  return {
    accessKey: ctx.caller?.accessKeyId ?? null,
    accountId: principal?.accountId ?? null,
    apiKey,
    apiKeyId: key?.id ?? null,
    caller,
    cognitoAuthenticationProvider: null,
    cognitoAuthenticationType: null,
    cognitoIdentityId: null,
    cognitoIdentityPoolId: null,
    principalOrgId: null,
    sourceIp: ctx.clientIp,
    user: caller,
    userAgent: first(ctx.req.headers["user-agent"]) ?? "",
    userArn: principal?.arn ?? null,
    ...(ctx.clientCert === undefined ? {} : { clientCert: ctx.clientCert }),
  };
}
