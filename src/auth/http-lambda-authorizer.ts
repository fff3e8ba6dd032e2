import type { FunctionInvoker } from "../functions/function-registry.ts";
import { invokeWithin } from "../functions/function-registry.ts";
import type { RequestContext } from "../gateway/compiled.ts";
import type { GatewayResponse } from "../gateway/gateway-responses.ts";
import { eventV1, eventV2 } from "../integrations/lambda-events.ts";
import { queryValues } from "../integrations/query-string.ts";
import type { HttpAuthorizer } from "../model/http-api.ts";
import type { AuthorizerCheck, SharedAuthorizerCache } from "./lambda-authorizer.ts";
import { compilePolicy } from "./policy/compile-policy.ts";

/**
 * HTTP API Lambda (REQUEST) authorizers: payload 1.0 or 2.0 events; with `enableSimpleResponses` the
 * function answers `{isAuthorized, context}`, otherwise an IAM policy evaluated against the route ARN.
 * Missing identity sources are 401, a refusal 403, failures 500, in HTTP APIs' wording. Cached per
 * identity for `authorizerResultTtlInSeconds`.
 */
const UNAUTHORIZED: GatewayResponse = {
  statusCode: 401,
  errorType: "UnauthorizedException",
  body: '{"message":"Unauthorized"}',
};
const FORBIDDEN: GatewayResponse = {
  statusCode: 403,
  errorType: "ForbiddenException",
  body: '{"message":"Forbidden"}',
};
const FAILED: GatewayResponse = {
  statusCode: 500,
  errorType: "InternalServerErrorException",
  body: '{"message":"Internal Server Error"}',
};

function identity(ctx: RequestContext, source: string): string | undefined {
  if (source.startsWith("$request.header.")) {
    const v = ctx.req.headers[source.slice("$request.header.".length).toLowerCase()];
    return Array.isArray(v) ? v.join(",") : v;
  }
  if (source.startsWith("$request.querystring.")) {
    const v = queryValues(ctx.rawQuery, source.slice("$request.querystring.".length));
    return v.length === 0 ? undefined : v.join(",");
  }
  if (source.startsWith("$stageVariables."))
    return ctx.stage.variables[source.slice("$stageVariables.".length)];
  if (source === "$context.routeKey") return ctx.route.resourcePath;
  return undefined;
}

type HttpEntry = {
  expires: number;
  allowed: (arn: string) => boolean;
  context: Record<string, string | number | boolean>;
};

type RawHttpResult = { isAuthorized?: unknown; policyDocument?: unknown; context?: unknown } | null;

/** Checks and compiles what an authorizer function returned; undefined when AWS would fail it. */
function toHttpEntry(
  result: RawHttpResult,
  expires: number,
  simple: boolean,
  scope: { region: string; accountId: string },
): HttpEntry | undefined {
  if (result === null || typeof result !== "object") return undefined;
  const context: Record<string, string | number | boolean> = {};
  if (result.context !== undefined && result.context !== null) {
    if (typeof result.context !== "object") return undefined;
    for (const [k, v] of Object.entries(result.context)) {
      if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") context[k] = v;
    }
  }
  if (simple) {
    if (typeof result.isAuthorized !== "boolean") return undefined;
    const ok = result.isAuthorized;
    return { expires, allowed: () => ok, context };
  }
  if (result.policyDocument === undefined) return undefined;
  try {
    const policy = compilePolicy(result.policyDocument as object, scope);
    const allowed = (arn: string) =>
      policy.evaluate({
        principal: { kind: "anonymous" },
        action: "execute-api:Invoke",
        resource: arn,
        context: {},
      }).effect === "Allow";
    return { expires, allowed, context };
  } catch {
    return undefined;
  }
}

export function compileHttpLambdaAuthorizer(
  authorizer: HttpAuthorizer,
  invoker: FunctionInvoker | undefined,
  scope: { region: string; accountId: string },
  shared?: SharedAuthorizerCache,
): AuthorizerCheck {
  const ttlMs = (authorizer.authorizerResultTtlInSeconds ?? 0) * 1000;
  const cache = new Map<string, HttpEntry>();
  const simple =
    authorizer.enableSimpleResponses === true && authorizer.authorizerPayloadFormatVersion === "2.0";
  const sharedKey = (key: string) => `${authorizer.authorizerId}\u0000${key}`;
  /** A cached entry, from this node's map or (on Redis) from any node's. */
  const lookup = async (key: string): Promise<HttpEntry | undefined> => {
    if (ttlMs <= 0) return undefined;
    const local = cache.get(key);
    if (local !== undefined && local.expires > Date.now()) return local;
    if (shared === undefined) return undefined;
    const text = await shared.results.get(shared.namespace, sharedKey(key));
    if (text === undefined) return undefined;
    try {
      const stored = JSON.parse(text) as { r: RawHttpResult; e: number };
      const entry = toHttpEntry(stored.r, stored.e, simple, scope);
      if (entry === undefined || entry.expires <= Date.now()) return undefined;
      // Kept locally only briefly, so a reset on another node is seen within a second.
      cache.set(key, { ...entry, expires: Math.min(entry.expires, Date.now() + 1000) });
      return entry;
    } catch {
      return undefined;
    }
  };
  return async (ctx, routeArn) => {
    if (invoker === undefined) return FAILED;
    const values = authorizer.identitySource.map((s) => identity(ctx, s));
    if (values.some((v) => v === undefined || v === "")) return UNAUTHORIZED;
    const key = values.join("\u0000");
    let entry = await lookup(key);
    const cached = entry !== undefined;
    if (entry === undefined) {
      const event =
        authorizer.authorizerPayloadFormatVersion === "2.0"
          ? {
              ...eventV2(ctx, scope.accountId, { body: null, isBase64Encoded: false }),
              type: "REQUEST",
              routeArn,
              identitySource: values,
            }
          : {
              ...eventV1(ctx, scope.accountId, { body: null, isBase64Encoded: false }),
              type: "REQUEST",
              methodArn: routeArn,
            };
      const outcome = await invokeWithin(invoker, ctx.requestId, event, 10_000);
      if (outcome === "timeout" || !outcome.ok)
        return outcome !== "timeout" && outcome.errorMessage === "Unauthorized" ? UNAUTHORIZED : FAILED;
      const expires = Date.now() + ttlMs;
      entry = toHttpEntry(outcome.result as RawHttpResult, expires, simple, scope);
      if (entry === undefined) return FAILED;
      if (ttlMs > 0) {
        if (cache.size >= 10_000) cache.clear();
        cache.set(
          key,
          shared === undefined ? entry : { ...entry, expires: Math.min(expires, Date.now() + 1000) },
        );
        shared?.results.set(
          shared.namespace,
          sharedKey(key),
          JSON.stringify({ r: outcome.result, e: expires }),
          ttlMs,
        );
      }
    }
    if (!entry.allowed(routeArn)) return FORBIDDEN;
    return {
      allowed: true,
      principalId: undefined,
      context: entry.context,
      cached,
      value: { lambda: entry.context },
    };
  };
}
