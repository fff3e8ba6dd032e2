import type { RequestContext } from "../gateway/compiled.ts";

/**
 * Headers AWS drops at the edge of the method request: never forwarded, even by proxy integrations
 * (AWS-BEHAVIOUR.md §2.1). `host` is replaced by the backend's; `x-forwarded-*` are rewritten below.
 */
const DROPPED = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "content-md5",
  "expect",
  "max-forwards",
  "proxy-authenticate",
  "server",
  "te",
  "transfer-encoding",
  "trailer",
  "upgrade",
  "www-authenticate",
  "host",
  "x-forwarded-for",
  "x-forwarded-port",
  "x-forwarded-proto",
]);

/** The client's headers as a flat `[name, value, …]` list, minus hop-by-hop ones; duplicates kept. */
export function passthroughHeaders(ctx: RequestContext, skip?: ReadonlySet<string>): string[] {
  const raw = ctx.req.rawHeaders;
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const lower = raw[i]!.toLowerCase();
    if (DROPPED.has(lower) || skip?.has(lower)) continue;
    out.push(raw[i]!, raw[i + 1]!);
  }
  return out;
}

/** Appends `X-Forwarded-For/-Port/-Proto` as API Gateway sets them for proxies. */
export function addForwardedHeaders(ctx: RequestContext, headers: string[]): void {
  const prior = ctx.req.headers["x-forwarded-for"];
  headers.push(
    "X-Forwarded-For",
    prior === undefined || prior === "" ? ctx.clientIp : `${prior}, ${ctx.clientIp}`,
    "X-Forwarded-Port",
    String(ctx.listener.port),
    "X-Forwarded-Proto",
    ctx.listener.protocol,
  );
}
