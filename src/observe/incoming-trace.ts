import type { IncomingHttpHeaders } from "node:http";
import { type Context, ROOT_CONTEXT, type TextMapGetter, TraceFlags, trace } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import type { TraceIds } from "./trace-ids.ts";

const w3c = new W3CTraceContextPropagator();

const headerGetter: TextMapGetter<IncomingHttpHeaders> = {
  keys: (headers) => Object.keys(headers),
  get: (headers, key) => headers[key],
};

const ROOT = /^1-([0-9a-fA-F]{8})-([0-9a-fA-F]{24})$/;
const PARENT = /^[0-9a-fA-F]{16}$/;

/**
 * The trace a request continues. A valid W3C `traceparent` (and its `tracestate`) first; a
 * malformed one is ignored, as the W3C spec asks (a new trace starts; the request is served as
 * any other). Without one, a well-formed `X-Amzn-Trace-Id` — what AWS's own clients and services
 * send — continues that X-Ray trace: `Root=1-{8}-{24}` is the trace id, `Parent` the parent span,
 * `Sampled=0` an unsampled parent (absent or `?`: sampled); a `Root` with no `Parent` makes the
 * gateway's span the trace's first (its id is adopted). Otherwise a new trace.
 */
export function incomingParent(headers: IncomingHttpHeaders, ids: TraceIds): Context {
  const fromW3c = w3c.extract(ROOT_CONTEXT, headers, headerGetter);
  if (trace.getSpanContext(fromW3c) !== undefined) return fromW3c;
  const sent = headers["x-amzn-trace-id"];
  const xray = typeof sent === "string" ? parseXRay(sent) : undefined;
  if (xray === undefined) return ROOT_CONTEXT;
  if (xray.parent === undefined) {
    ids.adopt(xray.traceId);
    return ROOT_CONTEXT;
  }
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: xray.traceId,
    spanId: xray.parent,
    traceFlags: xray.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
    isRemote: true,
  });
}

function parseXRay(header: string): { traceId: string; parent?: string; sampled: boolean } | undefined {
  let traceId: string | undefined;
  let parent: string | undefined;
  let sampled = true;
  for (const field of header.split(";")) {
    const eq = field.indexOf("=");
    if (eq === -1) continue;
    const key = field.slice(0, eq).trim().toLowerCase();
    const value = field.slice(eq + 1).trim();
    if (key === "root") {
      const m = ROOT.exec(value);
      if (m !== null) traceId = (m[1]! + m[2]!).toLowerCase();
    } else if (key === "parent" && PARENT.test(value)) parent = value.toLowerCase();
    else if (key === "sampled") sampled = value !== "0";
  }
  // All zeros is no trace (W3C), whatever X-Ray's grammar lets through.
  if (traceId === undefined || /^0+$/.test(traceId)) return undefined;
  if (parent !== undefined && /^0+$/.test(parent)) parent = undefined;
  return { traceId, ...(parent === undefined ? {} : { parent }), sampled };
}
