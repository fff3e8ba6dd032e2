import type { RequestContext } from "./context.ts";
import { addXForwardedHeaders, GATEWAY_SET_HEADERS, RESTRICTED_REQUEST_HEADERS } from "./forward-headers.ts";
import { setTraceContext } from "./trace-context.ts";

/**
 * Names API Gateway spells its own way in a Lambda event whatever the client sent: recorded for
 * `authorization` and `user-Agent` (a REST API's event says `Authorization`, `User-Agent`), and seen
 * for `Host` in events of clients that send every name in lower case (HTTP/2). Other names keep
 * the client's spelling (`tEsT-HEADeR` stays as it is).
 */
const CANONICAL = new Map([
  ["authorization", "Authorization"],
  ["host", "Host"],
  ["user-agent", "User-Agent"],
]);

/** REST APIs drop the restricted headers before anything sees the request (AWS-BEHAVIOUR.md §12.4). */
const REST_SKIPPED: ReadonlySet<string> = new Set([...RESTRICTED_REQUEST_HEADERS, ...GATEWAY_SET_HEADERS]);
const HTTP_SKIPPED: ReadonlySet<string> = new Set(GATEWAY_SET_HEADERS);

/**
 * The headers of a request's Lambda proxy event (and of a REQUEST authorizer's), as a flat
 * `[name, value, …]` list: every header the client sent — `Authorization` included — minus the
 * restricted ones (REST) and those the gateway sets itself, then `X-Forwarded-For`,
 * `X-Forwarded-Port`, `X-Forwarded-Proto` and `X-Amzn-Trace-Id` as an HTTP backend gets them
 * (AWS-BEHAVIOUR.md §12.7). An EDGE API's request already carries CloudFront's headers
 * (edge-headers.ts).
 */
export function eventHeaders(ctx: RequestContext): string[] {
  const skipped = ctx.stage.apiType === "REST" ? REST_SKIPPED : HTTP_SKIPPED;
  const raw = ctx.req.rawHeaders;
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const lower = name.toLowerCase();
    if (skipped.has(lower)) continue;
    out.push(CANONICAL.get(lower) ?? name, raw[i + 1]!);
  }
  addXForwardedHeaders(ctx, out);
  setTraceContext(ctx, out);
  return out;
}
