import { compilePolicy } from "../../auth/policy/compile-policy.ts";
import type { FunctionInvoker } from "../../functions/function-registry.ts";
import { functionNameFromUri, invokeWithin } from "../../functions/function-registry.ts";
import { NO_BODY } from "../../functions/lambda-event.ts";
import { queryValues } from "../../http/query-string.ts";
import type { Authorizer } from "../../model/rest-api.ts";
import { type JavaPattern, javaPattern } from "../../regex/java-pattern.ts";
import type { AuthorizerCheck, RequestContext } from "../context.ts";
import { eventFor } from "../event-facts.ts";
import { type AuthorizerProblem, authorizerFailure, failWith } from "../failure.ts";
import { type Refusal, renderRefusal } from "../responses/catalogue.ts";
import { AuthorizerResults, type SharedAuthorizerCache } from "./results.ts";

/**
 * REST Lambda authorizers (TOKEN and REQUEST), compiled per deployment. The identity source must be
 * present (else 401); TOKEN's identityValidationExpression is checked before invoking; results are
 * cached per identity for authorizerResultTtlInSeconds, and the returned policy is evaluated against
 * each request's method ARN — a cached policy allowing one method does not allow another.
 */
const UNAUTHORIZED: Refusal = { type: "UNAUTHORIZED" };
const CONFIG_ERROR: Refusal = { type: "AUTHORIZER_CONFIGURATION_ERROR" };
const denied = (explicit: boolean): Refusal => ({
  type: "ACCESS_DENIED",
  messageKey: "Message",
  message: `User is not authorized to access this resource${explicit ? " with an explicit deny" : ""}`,
});

interface CachedResult {
  expires: number;
  principalId: unknown;
  policy: ReturnType<typeof compilePolicy>;
  context: Record<string, string | number | boolean>;
  usageIdentifierKey?: string;
}

function identityValue(ctx: RequestContext, source: string): string | undefined {
  const s = source.trim();
  if (s.startsWith("method.request.header.")) {
    const v = ctx.req.headers[s.slice("method.request.header.".length).toLowerCase()];
    return Array.isArray(v) ? v.join(",") : v;
  }
  if (s.startsWith("method.request.querystring."))
    return queryValues(ctx.rawQuery, s.slice("method.request.querystring.".length)).at(-1);
  if (s.startsWith("stageVariables.")) return ctx.stage.variables[s.slice("stageVariables.".length)];
  if (s.startsWith("context."))
    return s === "context.stage"
      ? ctx.stage.stageName
      : s === "context.httpMethod"
        ? ctx.req.method
        : undefined;
  return undefined;
}

type RawResult = {
  principalId?: unknown;
  policyDocument?: unknown;
  context?: unknown;
  usageIdentifierKey?: unknown;
} | null;

/** Checks and compiles what an authorizer function returned; undefined when AWS would fail it. */
function toEntry(
  result: RawResult,
  expires: number,
  scope: { region: string; accountId: string },
): CachedResult | undefined {
  if (result === null || typeof result !== "object" || result.policyDocument === undefined) return undefined;
  let policy: CachedResult["policy"];
  try {
    policy = compilePolicy(result.policyDocument as object, scope);
  } catch {
    return undefined;
  }
  const context: Record<string, string | number | boolean> = {};
  if (result.context !== undefined && result.context !== null) {
    if (typeof result.context !== "object") return undefined;
    for (const [k, v] of Object.entries(result.context)) {
      // AWS accepts only primitive context values; objects and arrays fail the authorizer.
      if (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") return undefined;
      context[k] = v;
    }
  }
  return {
    expires,
    principalId: result.principalId,
    policy,
    context,
    ...(typeof result.usageIdentifierKey === "string"
      ? { usageIdentifierKey: result.usageIdentifierKey }
      : {}),
  };
}

export function compileLambdaAuthorizer(
  authorizer: Authorizer,
  invoker: FunctionInvoker | undefined,
  scope: { region: string; accountId: string },
  shared?: SharedAuthorizerCache,
): AuthorizerCheck {
  const ttlMs = (authorizer.authorizerResultTtlInSeconds ?? 300) * 1000;
  const sources = (authorizer.identitySource ?? "").split(",").filter((s) => s.trim() !== "");
  // Without an identity source there is nothing to key a result by: no caching.
  const results = new AuthorizerResults<CachedResult>({
    ttlMs: sources.length > 0 ? ttlMs : 0,
    authorizerId: authorizer.id,
    build: (raw, expires) => toEntry(raw as RawResult, expires, scope),
    shared,
  });
  // The token is the caller's text: the expression runs on RE2, compiled once per deployment. One
  // AWS would have refused at put time (a stored or imported one) leaves the authorizer misconfigured.
  let validation: JavaPattern | "invalid" | undefined;
  if (authorizer.identityValidationExpression) {
    try {
      validation = javaPattern(authorizer.identityValidationExpression);
    } catch {
      validation = "invalid";
    }
  }
  const name =
    functionNameFromUri(authorizer.authorizerUri ?? "") ?? authorizer.authorizerUri ?? authorizer.name;
  /** The 500 of an authorizer that could not decide, its cause recorded. */
  const failed = (ctx: RequestContext, problem: AuthorizerProblem) => {
    failWith(ctx, authorizerFailure(name, problem));
    return renderRefusal(ctx.stage.responses, CONFIG_ERROR);
  };
  return async (ctx, methodArn) => {
    if (invoker === undefined) return failed(ctx, { kind: "undeclared" });
    if (validation === "invalid") return failed(ctx, { kind: "bad-expression" });
    const values = sources.map((s) => identityValue(ctx, s));
    if (sources.length > 0 && values.some((v) => v === undefined || v === ""))
      return renderRefusal(ctx.stage.responses, UNAUTHORIZED);
    // Java's String.matches: the whole token.
    if (
      authorizer.type === "TOKEN" &&
      validation !== undefined &&
      !validation.matcher(values[0] ?? "").matches()
    )
      return renderRefusal(ctx.stage.responses, UNAUTHORIZED);
    const cacheKey = values.join("\u0000");
    let entry = await results.get(cacheKey);
    const cached = entry !== undefined;
    if (entry === undefined) {
      const event =
        authorizer.type === "TOKEN"
          ? { type: "TOKEN", authorizationToken: values[0], methodArn }
          : {
              ...eventFor(ctx, scope.accountId, "1.0", NO_BODY),
              type: "REQUEST",
              methodArn,
            };
      const outcome = await invokeWithin(invoker, ctx.requestId, event, 29_000);
      if (outcome === "timeout") return failed(ctx, { kind: "timeout", timeoutMs: 29_000 });
      if (!outcome.ok)
        return outcome.errorMessage === "Unauthorized"
          ? renderRefusal(ctx.stage.responses, UNAUTHORIZED)
          : failed(ctx, { kind: "error", ...outcome });
      entry = toEntry(outcome.result as RawResult, Date.now() + ttlMs, scope);
      if (entry === undefined) return failed(ctx, { kind: "malformed" });
      results.put(cacheKey, outcome.result, entry);
    }
    const decision = entry.policy.evaluate({
      principal: { kind: "anonymous" },
      action: "execute-api:Invoke",
      resource: methodArn,
      context: {},
    });
    if (decision.effect !== "Allow")
      return renderRefusal(ctx.stage.responses, denied(decision.effect === "Deny"));
    return {
      allowed: true,
      principalId: entry.principalId,
      context: entry.context,
      ...(entry.usageIdentifierKey ? { usageIdentifierKey: entry.usageIdentifierKey } : {}),
      cached,
      value: { principalId: entry.principalId, ...stringValues(entry.context) },
    };
  };
}

/**
 * REST APIs hand an authorizer's context on as strings (`1` → `"1"`, `true` → `"true"`): the proxy
 * event's `requestContext.authorizer` and `$context.authorizer.*` alike (AWS: "Output from an API
 * Gateway Lambda authorizer"; so `#if($context.authorizer.admin)` holds for `false`, as on AWS).
 */
function stringValues(context: Record<string, string | number | boolean>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(context)) out[k] = String(v);
  return out;
}
