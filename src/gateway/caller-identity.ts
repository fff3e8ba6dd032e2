import { principalId } from "../auth/iam/principal-id.ts";
import type { ClientCert } from "../http/client-cert.ts";
import type { RequestContext } from "./context.ts";

export { principalId };

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
  const caller =
    principal === undefined ? null : (ctx.caller?.userId ?? principalId(principal.arn, principal.accountId));
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
