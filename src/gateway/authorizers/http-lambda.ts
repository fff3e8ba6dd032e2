import { compilePolicy } from "../../auth/policy/compile-policy.ts";
import type { FunctionInvoker } from "../../functions/function-registry.ts";
import { functionNameFromUri, invokeWithin } from "../../functions/function-registry.ts";
import { NO_BODY } from "../../functions/lambda-event.ts";
import { queryValues } from "../../http/query-string.ts";
import type { HttpAuthorizer } from "../../model/http-api.ts";
import type { AuthorizerCheck, RequestContext } from "../context.ts";
import { eventFor } from "../event-facts.ts";
import { type AuthorizerProblem, authorizerFailure, failWith } from "../failure.ts";
import { type Refusal, renderRefusal } from "../responses/catalogue.ts";
import { AuthorizerResults, type SharedAuthorizerCache } from "./results.ts";

/**
 * HTTP API Lambda (REQUEST) authorizers: payload 1.0 or 2.0 events; with `enableSimpleResponses` the
 * function answers `{isAuthorized, context}`, otherwise an IAM policy evaluated against the route ARN.
 * Either way `context` may hold maps and arrays, which reach the integration intact
 * (`requestContext.authorizer.lambda`). Missing identity sources are 401, a refusal 403, failures
 * 500, in HTTP APIs' wording. Cached per identity for `authorizerResultTtlInSeconds`.
 */
const UNAUTHORIZED: Refusal = { type: "UNAUTHORIZED" };
const FORBIDDEN: Refusal = { type: "ACCESS_DENIED" };
const FAILED: Refusal = { type: "AUTHORIZER_FAILURE" };

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
  /** As the function returned it: HTTP APIs pass maps and arrays through, unlike REST. */
  context: Readonly<Record<string, unknown>>;
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
  let context: Readonly<Record<string, unknown>> = {};
  if (result.context !== undefined && result.context !== null) {
    // A map of any JSON values (strings, numbers, booleans, maps, arrays), kept as it came: the
    // result is already the JSON the function's value serialised to, so nothing here is shared.
    if (typeof result.context !== "object" || Array.isArray(result.context)) return undefined;
    context = result.context as Record<string, unknown>;
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
  const simple =
    authorizer.enableSimpleResponses === true && authorizer.authorizerPayloadFormatVersion === "2.0";
  const results = new AuthorizerResults<HttpEntry>({
    ttlMs,
    authorizerId: authorizer.authorizerId,
    build: (raw, expires) => toHttpEntry(raw as RawHttpResult, expires, simple, scope),
    shared,
  });
  const name =
    functionNameFromUri(authorizer.authorizerUri ?? "") ?? authorizer.authorizerUri ?? authorizer.name;
  /** The 500 of an authorizer that could not decide, its cause recorded. */
  const failed = (ctx: RequestContext, problem: AuthorizerProblem) => {
    failWith(ctx, authorizerFailure(name, problem));
    return renderRefusal(ctx.stage.responses, FAILED);
  };
  return async (ctx, routeArn) => {
    if (invoker === undefined) return failed(ctx, { kind: "undeclared" });
    const values = authorizer.identitySource.map((s) => identity(ctx, s));
    if (values.some((v) => v === undefined || v === ""))
      return renderRefusal(ctx.stage.responses, UNAUTHORIZED);
    const key = values.join("\u0000");
    let entry = await results.get(key);
    const cached = entry !== undefined;
    if (entry === undefined) {
      const event =
        authorizer.authorizerPayloadFormatVersion === "2.0"
          ? {
              ...eventFor(ctx, scope.accountId, "2.0", NO_BODY),
              type: "REQUEST",
              routeArn,
              identitySource: values,
            }
          : {
              ...eventFor(ctx, scope.accountId, "1.0", NO_BODY),
              type: "REQUEST",
              methodArn: routeArn,
            };
      const outcome = await invokeWithin(invoker, ctx.requestId, event, 10_000);
      if (outcome === "timeout") return failed(ctx, { kind: "timeout", timeoutMs: 10_000 });
      if (!outcome.ok)
        return outcome.errorMessage === "Unauthorized"
          ? renderRefusal(ctx.stage.responses, UNAUTHORIZED)
          : failed(ctx, { kind: "error", ...outcome });
      entry = toHttpEntry(outcome.result as RawHttpResult, Date.now() + ttlMs, simple, scope);
      if (entry === undefined) return failed(ctx, { kind: "malformed" });
      results.put(key, outcome.result, entry);
    }
    if (!entry.allowed(routeArn)) return renderRefusal(ctx.stage.responses, FORBIDDEN);
    return {
      allowed: true,
      principalId: undefined,
      context: entry.context,
      cached,
      value: { lambda: entry.context },
    };
  };
}
