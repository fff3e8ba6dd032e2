import type { ApiType, RequestContext } from "../gateway/compiled.ts";
import { traceHeader } from "../gateway/trace-header.ts";

/**
 * Headers AWS drops at the edge of the method request: never forwarded, even by proxy integrations
 * (AWS-BEHAVIOUR.md §2.1). `host` is replaced by the backend's; `x-forwarded-*` and the trace id
 * are rewritten below.
 */
const DROPPED = [
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
  "x-amzn-trace-id",
];

/**
 * What a proxy integration never passes on from the client, per API type, plus `extra` (the names
 * its own mappings replace). REST APIs also drop `Via` towards HTTP backends (recorded: neither the
 * client's nor a mapped one arrives); HTTP APIs fold the client's `Forwarded` into their own.
 * Built when the integration is compiled, so each request costs one set lookup per header.
 */
export function proxyDroppedHeaders(apiType: ApiType, extra: Iterable<string>): ReadonlySet<string> {
  const own = apiType === "REST" ? ["via"] : ["forwarded"];
  return new Set([...DROPPED, ...own, ...extra]);
}

/** The client's headers as a flat `[name, value, …]` list, minus `skip`; duplicates kept. */
export function passthroughHeaders(ctx: RequestContext, skip: ReadonlySet<string>): string[] {
  const raw = ctx.req.rawHeaders;
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    if (skip.has(raw[i]!.toLowerCase())) continue;
    out.push(raw[i]!, raw[i + 1]!);
  }
  return out;
}

/**
 * Appends what the gateway itself tells an HTTP backend: `X-Forwarded-For/-Port/-Proto` as API
 * Gateway sets them for proxies, `X-Amzn-Trace-Id`, and for HTTP APIs, which translate forwarding
 * information into RFC 7239's `Forwarded`
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-known-issues.html),
 * that header with the client's address, the host it called and the protocol appended.
 */
export function addForwardedHeaders(ctx: RequestContext, headers: string[]): void {
  const sent = ctx.req.headers["x-forwarded-for"];
  const prior = Array.isArray(sent) ? sent.join(", ") : sent;
  headers.push(
    "X-Forwarded-For",
    prior === undefined || prior === "" ? ctx.clientIp : `${prior}, ${ctx.clientIp}`,
    "X-Forwarded-Port",
    String(ctx.listener.port),
    "X-Forwarded-Proto",
    ctx.listener.protocol,
    "X-Amzn-Trace-Id",
    traceHeader(ctx),
  );
  if (ctx.stage.apiType === "HTTP") headers.push("Forwarded", forwarded(ctx, prior));
}

function forwarded(ctx: RequestContext, priorFor: string | undefined): string {
  const own = `for=${nodeValue(ctx.clientIp)};host=${quoted(ctx.req.headers.host ?? "")};proto=${ctx.listener.protocol}`;
  const sent = ctx.req.headers.forwarded;
  const prior = Array.isArray(sent) ? sent.join(", ") : sent;
  if (prior !== undefined && prior !== "") return `${prior}, ${own}`;
  if (priorFor === undefined || priorFor === "") return own;
  const hops = priorFor
    .split(",")
    .map((ip) => ip.trim())
    .filter((ip) => ip !== "")
    .map((ip) => `for=${nodeValue(ip)}`);
  return [...hops, own].join(", ");
}

/** An RFC 7239 node: IPv6 addresses are bracketed and quoted. */
function nodeValue(ip: string): string {
  return ip.includes(":") ? `"[${ip}]"` : quoted(ip);
}

/** A token as it is; anything else (a host with a port, say) as a quoted string. */
function quoted(value: string): string {
  return /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(value) ? value : `"${value.replace(/["\\]/g, "\\$&")}"`;
}
