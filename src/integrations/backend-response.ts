import type { Readable } from "node:stream";
import type { BackendHeaders } from "./response-headers.ts";

/** What an HTTP backend answered, whichever client asked. */
export interface BackendResponse {
  readonly statusCode: number;
  readonly headers: BackendHeaders;
  readonly body: Readable;
}
