import { type Dispatcher, getGlobalDispatcher } from "undici";
import type { WsCompileDeps } from "../../websocket/compiled.ts";
import type { BackendHeaders } from "./selection.ts";

/** What an HTTP backend answered: its status, its headers (lower-case names), its body as text. */
export interface HttpAnswer {
  readonly statusCode: number;
  readonly headers: BackendHeaders;
  readonly body: string;
}

/** Where an integration URI points, read once at deploy time. */
export interface BackendUrl {
  readonly origin: string;
  /** The path and query string. */
  readonly path: string;
}

/** The URI's origin and path; undefined when it is not a URL (then every call fails, as it would). */
export function backendUrl(uri: string): BackendUrl | undefined {
  try {
    const url = new URL(uri);
    return { origin: url.origin, path: url.pathname + url.search };
  } catch {
    return undefined;
  }
}

const UTF8_BOM = [0xef, 0xbb, 0xbf] as const;

/**
 * Collects a response whole, straight from undici's dispatch callbacks: `request()` would wrap each
 * answer in an AsyncResource, a Readable stream and a consumer that reads it back, which cost as much
 * as the rest of a WebSocket message's own work. The body is read as `body.text()` reads it (UTF-8,
 * a leading byte order mark dropped); an informational (1xx) response is skipped.
 */
class AnswerCollector implements Dispatcher.DispatchHandler {
  private statusCode = 0;
  private headers: BackendHeaders = {};
  private readonly chunks: Buffer[] = [];
  private readonly settle: (answer: HttpAnswer | undefined) => void;

  constructor(settle: (answer: HttpAnswer | undefined) => void) {
    this.settle = settle;
  }

  // undici requires it; nothing to do before the response.
  onRequestStart(): void {}

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: BackendHeaders,
  ): void {
    if (statusCode < 200) return;
    this.statusCode = statusCode;
    this.headers = headers;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    const bytes = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    const bom =
      bytes.length > 2 && bytes[0] === UTF8_BOM[0] && bytes[1] === UTF8_BOM[1] && bytes[2] === UTF8_BOM[2];
    this.settle({
      statusCode: this.statusCode,
      headers: this.headers,
      body: bytes.toString("utf8", bom ? 3 : 0),
    });
  }

  onResponseError(): void {
    this.settle(undefined);
  }
}

/**
 * One call to a WebSocket route's HTTP backend, through the keep-alive pool of its origin (shared
 * with every other integration that calls it); undefined when the backend cannot be reached or does
 * not answer within the integration's timeout.
 */
export function callBackend(
  url: BackendUrl | undefined,
  method: string,
  body: string | Buffer,
  headers: Record<string, string>,
  timeoutMs: number,
  deps: WsCompileDeps,
): Promise<HttpAnswer | undefined> {
  if (url === undefined) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const bodyless = method === "GET" || method === "HEAD";
    try {
      const dispatcher =
        deps.upstreams === undefined ? getGlobalDispatcher() : deps.upstreams.pool(url.origin);
      dispatcher.dispatch(
        {
          origin: url.origin,
          method: method as Dispatcher.HttpMethod,
          path: url.path,
          ...(bodyless ? {} : { body }),
          headers,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        },
        new AnswerCollector(resolve),
      );
    } catch {
      // A pool refused for its origin (not an http(s) URL): the backend cannot be reached.
      resolve(undefined);
    }
  });
}
