import type { RequestContext, TraceSpan } from "./context.ts";

/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/) towards an integration. API Gateway
 * knows nothing of `traceparent`: it passes a client's on like any other header (HTTP_PROXY, Lambda
 * proxy events) and a non-proxy HTTP integration sends only mapped headers, so an untraced request
 * keeps exactly that. A traced one (a REST stage with `tracingEnabled`, and a tracer running) is a
 * hop of the trace: the backend is told the gateway's span as its parent.
 */

/** `00-{trace id}-{span id}-{flags}`: version 00, the sampled flag only. */
export function traceparentOf(span: TraceSpan): string {
  return `00-${span.traceId}-${span.spanId}-${span.sampled ? "01" : "00"}`;
}

/**
 * X-Ray's form of a span (`X-Amzn-Trace-Id`): the 32 hex digits of the trace id split 8/24 into
 * `Root=1-{8}-{24}`, the span as `Parent`, the sampled flag as `Sampled` — the mapping AWS's own
 * OpenTelemetry X-Ray propagator uses, so both headers name one trace and one parent.
 */
export function xrayHeaderOf(span: TraceSpan): string {
  const t = span.traceId;
  return `Root=1-${t.slice(0, 8)}-${t.slice(8)};Parent=${span.spanId};Sampled=${span.sampled ? 1 : 0}`;
}

/**
 * On a traced request, replaces whatever `traceparent`/`tracestate` `headers` (a flat
 * `[name, value, …]` list) carry — the client's passed through, or a mapped one naming a span the
 * backend is not called from — by the span the call is made from (the open step's, else the
 * request's). Untraced: `headers` are left as they are.
 */
export function setTraceContext(ctx: RequestContext, headers: string[]): void {
  const span = ctx.stepSpan ?? ctx.traceSpan;
  if (span === undefined) return;
  let kept = 0;
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i]!;
    if (name.length >= 10 && name.length <= 11) {
      const lower = name.toLowerCase();
      if (lower === "traceparent" || lower === "tracestate") continue;
    }
    headers[kept] = name;
    headers[kept + 1] = headers[i + 1]!;
    kept += 2;
  }
  headers.length = kept;
  headers.push("traceparent", traceparentOf(span));
  if (span.traceState !== undefined && span.traceState !== "") headers.push("tracestate", span.traceState);
}
