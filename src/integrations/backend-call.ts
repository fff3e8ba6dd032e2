import type { Readable } from "node:stream";
import type { RequestContext } from "../gateway/context.ts";
import type { BackendResponse } from "./backend-response.ts";
import { callBackend, type HttpBackendSpec, type ResolvedTarget } from "./backend-target.ts";
import { callOverRawHttp } from "./raw-http-exchange.ts";
import type { Upstreams } from "./upstreams.ts";

export type BackendCall = (
  ctx: RequestContext,
  spec: HttpBackendSpec,
  target: ResolvedTarget,
  headers: string[],
  upstreams: Upstreams,
  body?: Buffer,
) => Promise<BackendResponse>;

/**
 * The client for an integration, chosen when it is compiled. AWS forwards a mapped `Upgrade` header
 * as an ordinary header (recorded: `integration.request.header.Upgrade: 'HTTP/2.0'` reaches the
 * backend, next to `Content-Length: 0` and a mapped `Trailer`), but undici refuses an Upgrade header
 * outside its upgrade mode, and node:http refuses a Trailer header on a message with a
 * Content-Length. Only integrations that map Upgrade take the plain HTTP/1.1 exchange of
 * raw-http-exchange.ts; every other keeps undici's pools.
 */
export function backendCallFor(spec: HttpBackendSpec): BackendCall {
  return spec.mappedHeaderNames.has("upgrade") ? callOverRawHttp : callBackend;
}

/** The whole body of a backend's answer. */
export async function readResponse(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Buffer>) chunks.push(chunk);
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}
