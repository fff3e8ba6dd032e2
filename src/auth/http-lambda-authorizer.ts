import type { FunctionInvoker } from "../functions/function-registry.ts";
import { invokeWithin } from "../functions/function-registry.ts";
import type { RequestContext } from "../gateway/compiled.ts";
import type { GatewayResponse } from "../gateway/gateway-responses.ts";
import { eventV1, eventV2 } from "../integrations/lambda-events.ts";
import { queryValues } from "../integrations/query-string.ts";
import type { HttpAuthorizer } from "../model/http-api.ts";
import type { AuthorizerCheck } from "./lambda-authorizer.ts";
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

export function compileHttpLambdaAuthorizer(
  authorizer: HttpAuthorizer,
  invoker: FunctionInvoker | undefined,
  scope: { region: string; accountId: string },
): AuthorizerCheck {
  const ttlMs = (authorizer.authorizerResultTtlInSeconds ?? 0) * 1000;
  const cache = new Map<
    string,
    { expires: number; allowed: (arn: string) => boolean; context: Record<string, string | number | boolean> }
  >();
  const simple =
    authorizer.enableSimpleResponses === true && authorizer.authorizerPayloadFormatVersion === "2.0";
  return async (ctx, routeArn) => {
    if (invoker === undefined) return FAILED;
    const values = authorizer.identitySource.map((s) => identity(ctx, s));
    if (values.some((v) => v === undefined || v === "")) return UNAUTHORIZED;
    const key = values.join("\u0000");
    let entry = ttlMs > 0 ? cache.get(key) : undefined;
    if (entry === undefined || entry.expires <= Date.now()) {
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
      const result = outcome.result as {
        isAuthorized?: unknown;
        policyDocument?: unknown;
        context?: unknown;
      } | null;
      if (result === null || typeof result !== "object") return FAILED;
      const context: Record<string, string | number | boolean> = {};
      if (result.context !== undefined && result.context !== null) {
        if (typeof result.context !== "object") return FAILED;
        for (const [k, v] of Object.entries(result.context)) {
          if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") context[k] = v;
        }
      }
      let allowed: (arn: string) => boolean;
      if (simple) {
        if (typeof result.isAuthorized !== "boolean") return FAILED;
        const ok = result.isAuthorized;
        allowed = () => ok;
      } else {
        if (result.policyDocument === undefined) return FAILED;
        try {
          const policy = compilePolicy(result.policyDocument as object, scope);
          allowed = (arn) =>
            policy.evaluate({
              principal: { kind: "anonymous" },
              action: "execute-api:Invoke",
              resource: arn,
              context: {},
            }).effect === "Allow";
        } catch {
          return FAILED;
        }
      }
      entry = { expires: Date.now() + ttlMs, allowed, context };
      if (ttlMs > 0) cache.set(key, entry);
    }
    if (!entry.allowed(routeArn)) return FORBIDDEN;
    return {
      allowed: true,
      principalId: undefined,
      context: entry.context,
      cached: false,
      value: { lambda: entry.context },
    };
  };
}
