import { request } from "undici";
import type { WsCompileDeps } from "../../websocket/compiled.ts";
import type { BackendHeaders } from "./selection.ts";

/** What an HTTP backend answered: its status, its headers (lower-case names), its body as text. */
export interface HttpAnswer {
  readonly statusCode: number;
  readonly headers: BackendHeaders;
  readonly body: string;
}

/**
 * One call to a WebSocket route's HTTP backend, through the keep-alive pool of its origin (shared
 * with every other integration that calls it); undefined when the backend cannot be reached or does
 * not answer within the integration's timeout.
 */
export async function callBackend(
  uri: string,
  method: string,
  body: string | Buffer,
  headers: Record<string, string>,
  timeoutMs: number,
  deps: WsCompileDeps,
): Promise<HttpAnswer | undefined> {
  try {
    const url = new URL(uri);
    const bodyless = method === "GET" || method === "HEAD";
    const options = {
      method: method as "POST",
      path: url.pathname + url.search,
      ...(bodyless ? {} : { body }),
      headers,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    };
    const response =
      deps.upstreams === undefined
        ? await request(uri, options)
        : await deps.upstreams.pool(url.origin).request(options);
    return { statusCode: response.statusCode, headers: response.headers, body: await response.body.text() };
  } catch {
    return undefined;
  }
}
