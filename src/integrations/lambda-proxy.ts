import type { FunctionInvoker } from "../functions/function-registry.ts";
import type { ProxyOutcome } from "../functions/invocation.ts";
import { type EventBody, type EventRoute, NO_BODY } from "../functions/lambda-event.ts";
import { responseBytes } from "../functions/lambda-result.ts";
import type { CompiledStage, IntegrationHandler, RequestContext } from "../gateway/context.ts";
import { eventFacts, eventRoute } from "../gateway/event-facts.ts";
import {
  bodyReadFailure,
  failWith,
  functionError,
  timeoutFailure,
  undeclaredFunction,
} from "../gateway/failure.ts";
import { integrationAnswered, integrationStarted } from "../gateway/integration-timing.ts";
import { countBody } from "../gateway/request-watch.ts";
import type { GatewayResponse } from "../gateway/responses/catalogue.ts";
import { gatewayResponseFor } from "../gateway/responses/errors.ts";
import { idHeaders, sendGatewayResponse } from "../gateway/responses/send.ts";
import { traceHeader } from "../gateway/trace-header.ts";
import { firstHeader } from "../http/raw-headers.ts";
import { declaresBody, readBody } from "../http/request-body.ts";
import { bodylessStatus } from "../http/writable-response.ts";

export interface LambdaProxyOptions {
  readonly pool: FunctionInvoker | undefined;
  readonly functionName: string;
  readonly payloadFormatVersion: "1.0" | "2.0";
  readonly timeoutMs: number;
  readonly accountId: string;
  /** Whether a request content type is sent base64-encoded (REST: binaryMediaTypes; HTTP APIs: non-text). */
  readonly isBinary: (contentType: string | undefined) => boolean;
  /**
   * Whether an `isBase64Encoded` result is decoded, given the request's Accept header (REST: its
   * first media type is a binary media type; HTTP APIs: always).
   */
  readonly binaryResult: (accept: string | undefined) => boolean;
}

/**
 * REST APIs' binary media types: exact types, `type/*` or `*\/*` (everything). A type wildcard
 * before a concrete subtype (`*\/test`) matches nothing, not even itself, and a wildcard in what is
 * matched (`image/*`) does not match a concrete entry (recorded).
 */
export function binaryMatcher(types: readonly string[]): (contentType: string | undefined) => boolean {
  const lower = types.map((t) => t.trim().toLowerCase()).filter((t) => !t.startsWith("*/") || t === "*/*");
  if (lower.length === 0) return () => false;
  if (lower.includes("*/*")) return () => true;
  const exact = new Set(lower);
  const prefixes = lower.filter((t) => t.endsWith("/*")).map((t) => t.slice(0, -1));
  return (contentType) => {
    const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
    return exact.has(type) || prefixes.some((p) => type.startsWith(p));
  };
}

/**
 * Whether a REST response is binary: AWS looks at the first media type of the request's Accept header
 * only, not at the response's Content-Type (recorded). A request without one matches only `*\/*`,
 * the entry the docs give for clients whose Accept header cannot be controlled.
 */
export function acceptMatcher(types: readonly string[]): (accept: string | undefined) => boolean {
  const matches = binaryMatcher(types);
  return (accept) => matches((accept ?? "").split(",")[0]!);
}

/** HTTP APIs base64-encode every body that is not text. */
export function httpApiIsBinary(contentType: string | undefined): boolean {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "") return false;
  return !(
    type.startsWith("text/") ||
    type === "application/json" ||
    type === "application/xml" ||
    type === "application/javascript" ||
    type === "application/x-www-form-urlencoded" ||
    type.endsWith("+json") ||
    type.endsWith("+xml")
  );
}

/** The 5xx an API type answers when the function fails or returns something malformed. */
export function functionFailure(ctx: RequestContext): GatewayResponse {
  return ctx.stage.apiType === "REST"
    ? {
        statusCode: 502,
        errorType: "InternalServerErrorException",
        body: '{"message": "Internal server error"}',
      }
    : ctx.stage.responses.INTEGRATION_FAILURE;
}

/**
 * AWS_PROXY to a Lambda function: the request becomes AWS's event, the function runs in its worker
 * pool, the result becomes the response by AWS's rules. The integration timeout (29 s REST, 30 s HTTP)
 * bounds the wait.
 */
export function lambdaProxyIntegration(options: LambdaProxyOptions): IntegrationHandler {
  // The route's part of every event, worked out once per stage (compiled stages are immutable).
  const routes = new WeakMap<CompiledStage, EventRoute>();
  const routeOf = (ctx: RequestContext): EventRoute => {
    let route = routes.get(ctx.stage);
    if (route === undefined || route.resourceId !== ctx.route.resourceId) {
      route = eventRoute(ctx, options.accountId, options.payloadFormatVersion);
      routes.set(ctx.stage, route);
    }
    return route;
  };
  /** Invokes and answers; settles once the response is written (rejects if writing it throws). */
  const invoke = (ctx: RequestContext, pool: FunctionInvoker, payload: EventBody): Promise<void> =>
    new Promise((resolve, reject) => {
      integrationStarted(ctx);
      pool.invokeProxy(eventFacts(ctx, routeOf(ctx), payload), options.timeoutMs, (outcome) => {
        integrationAnswered(
          ctx,
          outcome === "timeout" || !outcome.ok ? undefined : outcome.response.statusCode,
          outcome === "timeout" ? "Execution timed out" : outcome.ok ? undefined : "Function failed",
        );
        if (outcome === "timeout") failWith(ctx, timeoutFailure(options.timeoutMs));
        else if (!outcome.ok) failWith(ctx, functionError(options.functionName, ctx.requestId, outcome));
        try {
          answer(ctx, outcome, options.binaryResult);
          resolve();
        } catch (err) {
          reject(err);
        }
      });
    });
  return async (ctx) => {
    const { res } = ctx;
    const apiType = ctx.stage.apiType;
    const { pool } = options;
    if (pool === undefined) {
      failWith(ctx, undeclaredFunction(options.functionName));
      sendGatewayResponse(res, apiType, ctx, functionFailure(ctx));
      return;
    }
    // A request without a body has `body: null`, and nothing to await.
    if (!declaresBody(ctx.req)) return invoke(ctx, pool, NO_BODY);
    let payload: EventBody;
    try {
      const bytes = await readBody(ctx.req);
      const binary = options.isBinary(firstHeader(ctx.req.rawHeaders, "content-type"));
      // An empty body is no body: `null`, as for a request that declares none (recorded).
      payload =
        bytes.length === 0
          ? NO_BODY
          : { body: binary ? bytes.toString("base64") : bytes.toString("utf8"), isBase64Encoded: binary };
    } catch (err) {
      const type = gatewayResponseFor(err);
      failWith(ctx, bodyReadFailure(err));
      sendGatewayResponse(res, apiType, ctx, ctx.stage.responses[type], type === "REQUEST_TOO_LARGE");
      return;
    }
    return invoke(ctx, pool, payload);
  };
}

/** The function's response, or the gateway response for a timeout or a failure. */
function answer(
  ctx: RequestContext,
  outcome: ProxyOutcome,
  binaryResult: LambdaProxyOptions["binaryResult"],
): void {
  const { res } = ctx;
  const apiType = ctx.stage.apiType;
  if (outcome === "timeout") {
    sendGatewayResponse(res, apiType, ctx, ctx.stage.responses.INTEGRATION_TIMEOUT);
    return;
  }
  if (!outcome.ok) {
    sendGatewayResponse(res, apiType, ctx, functionFailure(ctx));
    return;
  }
  const { response } = outcome;
  const body = responseBytes(
    response,
    response.isBase64Encoded && binaryResult(firstHeader(ctx.req.rawHeaders, "accept")),
  );
  const headers = idHeaders(apiType, ctx);
  // The trace id the function's event carried (AWS-BEHAVIOUR.md §12.10).
  if (apiType === "REST") headers.push("X-Amzn-Trace-Id", traceHeader(ctx));
  let typed = false;
  for (let i = 0; i < response.headers.length; i += 2) {
    const name = response.headers[i]!;
    headers.push(name, response.headers[i + 1]!);
    if (!typed && name.length === 12 && name.toLowerCase() === "content-type") typed = true;
  }
  if (!typed) headers.push("Content-Type", "application/json");
  if (bodylessStatus(response.statusCode)) {
    res.writeHead(response.statusCode, headers);
    res.end();
    return;
  }
  headers.push("Content-Length", String(typeof body === "string" ? Buffer.byteLength(body) : body.length));
  res.writeHead(response.statusCode, headers);
  countBody(res, body);
  res.end(body);
}
