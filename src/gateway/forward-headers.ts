import type { ApiType, RequestContext } from "./context.ts";
import { traceHeader } from "./trace-header.ts";

/**
 * Headers AWS drops at the edge of the method request (AWS-BEHAVIOUR.md §12.4): invisible to
 * mappings, never forwarded, not in Lambda proxy events; plus the hop-by-hop `Keep-Alive` and
 * `Proxy-Connection`, which belong to the client's connection.
 */
export const RESTRICTED_REQUEST_HEADERS: readonly string[] = [
  "connection",
  "keep-alive",
  "proxy-connection",
  "content-length",
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
];

/** Headers the gateway writes itself towards an integration (addXForwardedHeaders): a client's are replaced. */
export const GATEWAY_SET_HEADERS: readonly string[] = [
  "x-forwarded-for",
  "x-forwarded-port",
  "x-forwarded-proto",
  "x-amzn-trace-id",
];

/**
 * Never passed on by a proxy: the restricted ones, `host` (replaced by the backend's), and the
 * gateway's own. `Content-Length` is the gateway's too, but a proxy streams the body unchanged, so
 * the client's length is the one it sends (recorded: the backend sees the same value).
 */
const DROPPED = [
  ...RESTRICTED_REQUEST_HEADERS.filter((name) => name !== "content-length"),
  "host",
  ...GATEWAY_SET_HEADERS,
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
 * Appends what the gateway itself tells an integration, HTTP backend or Lambda event alike:
 * `X-Forwarded-For` (the client's chain with the client's address appended), `X-Forwarded-Port` and
 * `X-Forwarded-Proto` (the listener the client reached), and `X-Amzn-Trace-Id`.
 */
export function addXForwardedHeaders(ctx: RequestContext, headers: string[]): void {
  headers.push(
    "X-Forwarded-For",
    forwardedFor(ctx, priorForwardedFor(ctx)),
    "X-Forwarded-Port",
    String(ctx.listener.port),
    "X-Forwarded-Proto",
    ctx.listener.protocol,
    "X-Amzn-Trace-Id",
    traceHeader(ctx),
  );
}

/**
 * Appends what the gateway itself tells an HTTP backend: the headers of addXForwardedHeaders, and
 * for HTTP APIs, which translate forwarding information into RFC 7239's `Forwarded`
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-known-issues.html),
 * that header with the client's address, the host it called and the protocol appended.
 */
export function addForwardedHeaders(ctx: RequestContext, headers: string[]): void {
  addXForwardedHeaders(ctx, headers);
  if (ctx.stage.apiType === "HTTP") headers.push("Forwarded", forwarded(ctx, priorForwardedFor(ctx)));
}

function priorForwardedFor(ctx: RequestContext): string | undefined {
  const sent = ctx.req.headers["x-forwarded-for"];
  return Array.isArray(sent) ? sent.join(", ") : sent;
}

const forwardedFor = (ctx: RequestContext, prior: string | undefined): string =>
  prior === undefined || prior === "" ? ctx.clientIp : `${prior}, ${ctx.clientIp}`;

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
