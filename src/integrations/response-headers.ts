/** A backend response's headers, as undici and node:http both give them. */
export type BackendHeaders = Readonly<Record<string, string | string[] | undefined>>;

/**
 * Response header names REST APIs never let an integration set, because the gateway's own answer
 * owns them: a backend's (HTTP_PROXY) or a response mapping's value comes back renamed
 * `x-amzn-Remapped-<Name>` (recorded; AWS-BEHAVIOUR.md §2.1, §12.9; the list in
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-known-issues.html).
 */
const REMAPPED_NAMES = [
  "Authorization",
  "Connection",
  "Content-Length",
  "Content-MD5",
  "Date",
  "Expect",
  "Host",
  "Max-Forwards",
  "Proxy-Authenticate",
  "Server",
  "Trailer",
  "Upgrade",
  "User-Agent",
  "WWW-Authenticate",
];

const REMAPPED = new Map(REMAPPED_NAMES.map((n) => [n.toLowerCase(), `x-amzn-Remapped-${n}`]));

/** Framing and hop-by-hop headers: the gateway frames its own response, so these never cross. */
const DROPPED = ["transfer-encoding", "keep-alive", "proxy-connection", "te"];

/** What becomes of one backend header: its new name, or DROP. */
const DROP = "";

/** REST HTTP_PROXY: the reserved names remapped (and the backend's own request id), framing dropped. */
const REST_PROXY: ReadonlyMap<string, string> = new Map([
  ...REMAPPED,
  ["x-amzn-requestid", "x-amzn-Remapped-x-amzn-RequestId"],
  ...DROPPED.map((n) => [n, DROP] as const),
]);

/** HTTP APIs pass the backend's headers on as they are, but for the connection's own. */
const HTTP_PROXY: ReadonlyMap<string, string> = new Map(
  // Content-Length is written once, as ours, before the table is consulted.
  [...DROPPED, "connection", "upgrade", "trailer", "content-length"].map((n) => [n, DROP] as const),
);

/**
 * Appends a proxied backend response's headers to `out` (a flat list). The backend's Content-Length
 * is kept as ours too, because the body is passed through byte for byte.
 */
export function appendBackendHeaders(headers: BackendHeaders, out: string[], remap: boolean): void {
  const table = remap ? REST_PROXY : HTTP_PROXY;
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    if (name === "content-length") out.push("Content-Length", value as string);
    const renamed = table.get(name);
    if (renamed === undefined) {
      if (Array.isArray(value)) for (const v of value) out.push(name, v);
      else out.push(name, value);
    } else if (renamed !== DROP) out.push(renamed, Array.isArray(value) ? value.join(", ") : value);
  }
}

/**
 * The name a REST response mapping (`method.response.header.<name>`) is sent under: a reserved name
 * is remapped, `Transfer-Encoding` is dropped (undefined), any other stays. Applied when the
 * integration responses are compiled, so no request pays for it.
 */
export function mappedResponseHeaderName(name: string): string | undefined {
  const lower = name.toLowerCase();
  if (lower === "transfer-encoding") return undefined;
  return REMAPPED.get(lower) ?? name;
}
