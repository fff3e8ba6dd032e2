import { Transform } from "node:stream";
import type { Inbound } from "./inbound.ts";
import { firstHeader } from "./raw-headers.ts";

/**
 * Bodies already read in full, by request: a step that needed the body (SigV4's payload hash, a
 * body mapping) leaves it here for the integration instead of consuming the stream.
 */
const buffered = new WeakMap<Inbound, Buffer>();

/** The body, when something (a step, the integration, a data trace) already read it in full. */
export function bodyRead(req: Inbound): Buffer | undefined {
  return buffered.get(req);
}

/** A body past AWS's payload limit (the REQUEST_TOO_LARGE gateway response, 413). */
export class PayloadTooLargeError extends Error {
  readonly code = "PAYLOAD_TOO_LARGE";
}

/** AWS's payload limit: 10 MB (REQUEST_TOO_LARGE). */
export const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

/**
 * The body to stream to the backend, or null when the request has none. A declared
 * Content-Length was already checked against the limit; a chunked body is counted on the way
 * through, and the stream fails with PayloadTooLargeError once it passes the limit.
 */
export function streamingBody(req: Inbound): Inbound | Transform | Buffer | null {
  const already = buffered.get(req);
  if (already !== undefined) return already.length === 0 ? null : already;
  const length = req.headers["content-length"];
  if (length !== undefined) return length === "0" ? null : req;
  if (req.headers["transfer-encoding"] === undefined) return null;
  let seen = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > MAX_PAYLOAD_BYTES) done(new PayloadTooLargeError("Request Too Long"));
      else done(null, chunk);
    },
  });
  req.on("error", (err) => counter.destroy(err));
  return req.pipe(counter);
}

/** Whether the request carries a body: without Content-Length or Transfer-Encoding an HTTP/1.1 request has none. */
export function declaresBody(req: Inbound): boolean {
  return (
    firstHeader(req.rawHeaders, "content-length") !== undefined ||
    firstHeader(req.rawHeaders, "transfer-encoding") !== undefined
  );
}

/** Reads the whole body (non-proxy integrations need it), failing past the limit. */
const EMPTY = Buffer.alloc(0);

export function readBody(req: Inbound, limit = MAX_PAYLOAD_BYTES): Promise<Buffer> {
  const already = buffered.get(req);
  if (already !== undefined) return Promise.resolve(already);
  if (!declaresBody(req)) return Promise.resolve(EMPTY);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let seen = 0;
    const stop = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen <= limit) {
        chunks.push(chunk);
        return;
      }
      // Not destroyed: the socket must stay open for the 413, while the rest is read and dropped.
      stop();
      req.resume();
      reject(new PayloadTooLargeError("Request Too Long"));
    };
    const onEnd = () => {
      stop();
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      buffered.set(req, body);
      resolve(body);
    };
    const onError = (err: Error) => {
      stop();
      reject(err);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}
