import { newTraceId, restTraceHeader } from "../http/request-ids.ts";
import type { RequestContext } from "./context.ts";
import { xrayHeaderOf } from "./trace-context.ts";

/**
 * This request's `X-Amzn-Trace-Id` towards its integration, made once and kept on the context so
 * that whatever sends it (the backend request, a Lambda event) and whatever returns it (a non-proxy
 * response) agree. REST APIs continue the client's trace (`Root=…;Parent=…;Sampled=…`, see
 * restTraceHeader); HTTP APIs, which X-Ray does not trace, pass a client's header on as it is and
 * otherwise start a trace with a bare `Root=…`
 * (https://docs.aws.amazon.com/xray/latest/devguide/xray-services-apigateway.html). A traced
 * request (a REST stage with `tracingEnabled` and a tracer running) names the gateway's request span
 * instead, in X-Ray's form of the same trace the `traceparent` carries (trace-context.ts).
 */
export function traceHeader(ctx: RequestContext): string {
  if (ctx.traceId !== undefined) return ctx.traceId;
  const sent = ctx.req.headers["x-amzn-trace-id"];
  const client = Array.isArray(sent) ? sent.join(",") : sent;
  const id =
    ctx.traceSpan !== undefined
      ? xrayHeaderOf(ctx.traceSpan)
      : ctx.stage.apiType === "REST"
        ? restTraceHeader(client, ctx.startMs)
        : client === undefined || client === ""
          ? newTraceId(ctx.startMs)
          : client;
  ctx.traceId = id;
  return id;
}
