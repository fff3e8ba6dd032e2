import type { IncomingMessage } from "node:http";
import { AWS_QUOTAS } from "../model/aws-quotas.ts";
import type { CompiledStage } from "./context.ts";
import type { GatewayResponse } from "./responses/catalogue.ts";

/**
 * Checks of the request head that AWS makes before routing: its URL and header quotas, and a single
 * Host. These answers are the edge's, not gateway responses an API can customise.
 */
export const URI_TOO_LONG: GatewayResponse = { statusCode: 414, body: '{"message":"Request-URI Too Long"}' };
export const HEADERS_TOO_LARGE: GatewayResponse = {
  statusCode: 431,
  body: '{"message":"Request Header Fields Too Large"}',
};
export const BAD_REQUEST: GatewayResponse = { statusCode: 400, body: '{"message":"Bad Request"}' };

/** Refusal of the head before the API is known: the regional URL limit applies. */
export function refuseHead(req: IncomingMessage): GatewayResponse | undefined {
  const url = req.url ?? "/";
  if (url.length > AWS_QUOTAS.urlCharsRegional) return URI_TOO_LONG;
  const raw = req.rawHeaders;
  // The request line and the header values together (AWS's "header values" quota).
  let bytes = (req.method?.length ?? 0) + url.length;
  let hosts = 0;
  for (let i = 0; i < raw.length; i += 2) {
    bytes += raw[i + 1]!.length;
    const name = raw[i]!;
    if (name.length === 4 && name.toLowerCase() === "host") hosts++;
  }
  // HTTP/1.1 (RFC 9112 §3.2): a request with more than one Host is answered 400; which one would
  // route it is ambiguous, and a proxy and a backend could disagree.
  if (hosts > 1) return BAD_REQUEST;
  if (bytes > AWS_QUOTAS.headerBytes) return HEADERS_TOO_LARGE;
  return undefined;
}

/** Edge-optimized and private APIs have the shorter URL limit. */
export function refuseUrlForStage(url: string, stage: CompiledStage): GatewayResponse | undefined {
  if (url.length <= AWS_QUOTAS.urlCharsEdge) return undefined;
  return stage.edge === true || stage.privateEndpoint !== undefined ? URI_TOO_LONG : undefined;
}
