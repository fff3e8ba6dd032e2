import type { IncomingHttpHeaders, OutgoingHttpHeader, OutgoingHttpHeaders } from "node:http";
import type { Socket } from "node:net";
import type { Readable, Writable } from "node:stream";

/**
 * What the data plane's steps and integrations read of a request. An IncomingMessage is one; so can
 * be a WebSocket message or any request made in process, which then run the same steps and
 * integrations without pretending to be an HTTP server.
 */
export interface Inbound extends Readable {
  readonly headers: IncomingHttpHeaders;
  readonly rawHeaders: string[];
  readonly method?: string;
  readonly url?: string;
  readonly httpVersion: string;
  /** The whole body has been received. */
  readonly complete: boolean;
  readonly socket: Socket;
}

/** Where the answer goes: a ServerResponse is one. */
export interface Reply extends Writable {
  readonly headersSent: boolean;
  /** The status written (or to be written) to the head. */
  statusCode: number;
  /** Whether the connection stays open after this answer (HTTP keep-alive). */
  shouldKeepAlive: boolean;
  /** The request this answers, when there is one (an answer given mid-upload closes lingering). */
  readonly req?: Inbound;
  writeHead(statusCode: number, headers?: OutgoingHttpHeaders | OutgoingHttpHeader[]): this;
  setHeader(name: string, value: number | string | readonly string[]): this;
  getHeaders(): OutgoingHttpHeaders;
}
