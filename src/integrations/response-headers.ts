import type { IncomingHttpHeaders } from "node:http";

/**
 * Backend response headers that REST APIs return renamed as `x-amzn-Remapped-<Name>` because the
 * gateway sets its own (AWS-BEHAVIOUR.md §2.1).
 */
const REMAPPED: Record<string, string> = {
  connection: "x-amzn-Remapped-Connection",
  "content-length": "x-amzn-Remapped-Content-Length",
  date: "x-amzn-Remapped-Date",
  server: "x-amzn-Remapped-Server",
  "x-amzn-requestid": "x-amzn-Remapped-x-amzn-RequestId",
};

/** Hop-by-hop headers that must not cross the proxy in either direction. */
const HOP_BY_HOP = new Set([
  "keep-alive",
  "transfer-encoding",
  "proxy-connection",
  "upgrade",
  "trailer",
  "te",
]);

/**
 * Appends backend headers to `out` (a flat list) for a proxy response. The backend's
 * Content-Length is kept as ours too, because the body is passed through byte for byte.
 */
export function appendBackendHeaders(headers: IncomingHttpHeaders, out: string[], remap: boolean): void {
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    if (name === "content-length") out.push("Content-Length", value as string);
    const remapped = REMAPPED[name];
    if (remapped !== undefined && (remap || name === "connection" || name === "content-length")) {
      if (remap) out.push(remapped, Array.isArray(value) ? value.join(", ") : value);
      continue;
    }
    if (Array.isArray(value)) for (const v of value) out.push(name, v);
    else out.push(name, value);
  }
}
