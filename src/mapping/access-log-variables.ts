import { principalId } from "../auth/iam/principal-id.ts";
import { authorizerProperty } from "../gateway/authorizer-property.ts";
import type { FinishedRequest } from "../gateway/context.ts";
import type { GatewayResponse } from "../gateway/responses/catalogue.ts";
import { plainAddress } from "../gateway/trusted-proxies.ts";
import { firstHeader } from "../http/raw-headers.ts";
import { requestTime } from "../http/request-time.ts";
import { GATEWAY_RESPONSE_TYPES, type GatewayResponseType } from "../model/gateway-response-types.ts";

/**
 * The `$context` variables of access logs
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-variables-for-access-logging.html,
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging-variables.html):
 * the names and values mapping templates see (context-variables.ts) plus what is known only once
 * the request is done (status, lengths, latencies, the integration's part, the gateway's error).
 * A value that does not apply is undefined or null, which a line prints as `-`, as AWS does.
 */

/** What the stage knows at deploy time, for the variables that do not change per request. */
export interface StageFacts {
  readonly apiId: string;
  readonly apiType: "REST" | "HTTP";
  readonly stageName: string;
  readonly deploymentId: string;
  readonly accountId: string;
  readonly isCanaryRequest?: boolean;
  /** The stage's gateway responses, customisations applied: `$context.error.responseType` finds its answer among them. */
  readonly responses: Readonly<Record<GatewayResponseType, GatewayResponse>>;
}

const RESPONSE_TYPES = Object.keys(GATEWAY_RESPONSE_TYPES) as GatewayResponseType[];

export type Value = string | number | boolean | null | undefined;

/** One line's request. */
export class LineScope {
  readonly done: FinishedRequest;
  readonly stage: StageFacts;
  private callerMemo: string | null | undefined;

  constructor(done: FinishedRequest, stage: StageFacts) {
    this.done = done;
    this.stage = stage;
  }

  /** `identity.caller` and `identity.user`: the IAM principal's id (caller-identity.ts), worked out once. */
  get caller(): string | null {
    if (this.callerMemo === undefined) {
      const caller = this.done.ctx?.caller;
      this.callerMemo =
        caller === undefined
          ? null
          : (caller.userId ?? principalId(caller.principal.arn, caller.principal.accountId));
    }
    return this.callerMemo;
  }

  /** A request header, read off the raw headers: `req.headers` is built on first use, which a proxied request never needs. */
  header(lowerName: string): string | undefined {
    return firstHeader(this.done.req.rawHeaders, lowerName);
  }
}

export type Getter = (scope: LineScope) => Value;

const domainName = (s: LineScope) => s.header("host")?.replace(/:\d+$/, "");
const integrationLatency = (s: LineScope) => roundMs(s.done.ctx?.integration?.latencyMs);
const integrationStatus = (s: LineScope) => s.done.ctx?.integration?.status;
const integrationError = (s: LineScope) => s.done.ctx?.integration?.error;
const roundMs = (ms: number | undefined) => (ms === undefined ? undefined : Math.round(ms));

/** The request path as received, query left off. */
function requestPath(s: LineScope): string {
  const { ctx, req } = s.done;
  if (ctx?.customDomain !== undefined) return ctx.customDomain.requestPath;
  if (ctx !== undefined)
    return ctx.stage.stageName === "$default" ? ctx.path : `/${ctx.stage.stageName}${ctx.path}`;
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  return q === -1 ? url : url.slice(0, q);
}

/** `$context.error.message`: the message of the gateway's own answer (its body's `message`). */
function errorMessage(s: LineScope): string | undefined {
  const body = s.done.gatewayResponse?.body;
  if (body === undefined) return undefined;
  try {
    const parsed = JSON.parse(body) as { message?: unknown; Message?: unknown };
    const message = parsed.message ?? parsed.Message;
    return typeof message === "string" ? message : undefined;
  } catch {
    return undefined;
  }
}

/** `$context.error.responseType`: which of AWS's gateway responses the gateway answered with. */
function errorResponseType(s: LineScope): string | undefined {
  const answer = s.done.gatewayResponse;
  if (answer === undefined) return undefined;
  const { responses } = s.stage;
  for (const type of RESPONSE_TYPES) if (responses[type] === answer) return type;
  // A refusal rendered with its own message is a copy: known by its status and error type.
  for (const type of RESPONSE_TYPES) {
    const candidate = responses[type];
    if (candidate.statusCode === answer.statusCode && candidate.errorType === answer.errorType) return type;
  }
  return answer.statusCode >= 500 ? "DEFAULT_5XX" : "DEFAULT_4XX";
}

/**
 * `$context.identity`, field by field as callerIdentity (caller-identity.ts) fills it for templates:
 * the API key only on a method that required one, the IAM principal on AWS_IAM methods, the client
 * certificate on a mutual TLS domain, null (printed `-`) for Cognito identities, which Portico has none of.
 */
const IDENTITY: Record<string, Getter> = {
  sourceIp: (s) => s.done.ctx?.clientIp ?? plainAddress(s.done.req.socket?.remoteAddress ?? ""),
  userAgent: (s) => s.header("user-agent"),
  caller: (s) => s.caller,
  user: (s) => s.caller,
  userArn: (s) => s.done.ctx?.caller?.principal?.arn,
  accessKey: (s) => s.done.ctx?.caller?.accessKeyId,
  accountId: (s) => s.done.ctx?.caller?.principal?.accountId,
  apiKeyId: (s) => s.done.ctx?.apiKey?.id,
  apiKey: (s) => {
    const ctx = s.done.ctx;
    if (ctx?.apiKey === undefined) return undefined;
    return ctx.stage.apiKeySource === "AUTHORIZER" ? ctx.usageIdentifierKey : s.header("x-api-key");
  },
  "clientCert.clientCertPem": (s) => s.done.ctx?.clientCert?.clientCertPem,
  "clientCert.subjectDN": (s) => s.done.ctx?.clientCert?.subjectDN,
  "clientCert.issuerDN": (s) => s.done.ctx?.clientCert?.issuerDN,
  "clientCert.serialNumber": (s) => s.done.ctx?.clientCert?.serialNumber,
  "clientCert.validity.notBefore": (s) => s.done.ctx?.clientCert?.validity.notBefore,
  "clientCert.validity.notAfter": (s) => s.done.ctx?.clientCert?.validity.notAfter,
};

const VARIABLES: Record<string, Getter> = {
  accountId: (s) => s.stage.accountId,
  apiId: (s) => s.stage.apiId,
  deploymentId: (s) => s.stage.deploymentId,
  domainName,
  domainPrefix: (s) => domainName(s)?.split(".")[0],
  extendedRequestId: (s) => s.done.extendedRequestId,
  httpMethod: (s) => s.done.req.method,
  isCanaryRequest: (s) => s.stage.isCanaryRequest,
  path: requestPath,
  protocol: (s) => `HTTP/${s.done.req.httpVersion}`,
  requestId: (s) => s.done.requestId,
  requestTime: (s) => requestTime(s.done.startMs),
  requestTimeEpoch: (s) => s.done.startMs,
  resourceId: (s) => s.done.ctx?.route.resourceId,
  resourcePath: (s) => s.done.ctx?.route.resourcePath,
  // HTTP APIs: the route key (`GET /pets`, `$default`) is what the route was compiled under.
  routeKey: (s) => (s.stage.apiType === "HTTP" ? s.done.ctx?.route.resourcePath : undefined),
  stage: (s) => s.stage.stageName,
  status: (s) => s.done.statusCode,
  responseLength: (s) => s.done.responseBytes,
  responseLatency: (s) => Math.round(s.done.latencyMs),
  dataProcessed: (s) => s.done.responseBytes,
  integrationLatency,
  integrationStatus,
  integrationErrorMessage: integrationError,
  "integration.latency": integrationLatency,
  "integration.status": integrationStatus,
  "integration.integrationStatus": integrationStatus,
  "integration.error": integrationError,
  "error.message": errorMessage,
  "error.messageString": (s) => {
    const message = errorMessage(s);
    return message === undefined ? undefined : JSON.stringify(message);
  },
  "error.responseType": errorResponseType,
  // The API mapping a custom domain's request matched (`v1/orders`); the root's and execute-api's print `-`.
  "customDomain.basePathMatched": (s) => s.done.ctx?.customDomain?.basePath || undefined,
  xrayTraceId: (s) => s.done.ctx?.traceId?.match(/Root=([^;]+)/)?.[1],
};
for (const [field, getter] of Object.entries(IDENTITY)) VARIABLES[`identity.${field}`] = getter;

const NOTHING: Getter = () => undefined;

/** A value of the authorizer's output: `principalId`, `claims.sub`, a context key. */
function authorizerValue(path: readonly string[]): Getter {
  return (s) => {
    const value = authorizerProperty(s.done.ctx?.authorizer, s.stage.apiType, path);
    if (value === undefined || value === null) return undefined;
    return typeof value === "object" ? JSON.stringify(value) : (value as Value);
  };
}

/**
 * The getter of one `$context.` variable, by its name after `context.`. Variables of features Portico
 * does not have (WAF, custom-domain routing) print `-`, as AWS prints them on an API that does not
 * use them.
 */
export function accessLogVariable(name: string): Getter {
  const known = VARIABLES[name];
  if (known !== undefined) return known;
  if (name.startsWith("authorizer.") && name !== "authorizer.claims")
    return authorizerValue(name.slice("authorizer.".length).split("."));
  return NOTHING;
}
