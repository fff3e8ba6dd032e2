import { createServer, type ServerResponse } from "node:http";
import type { Dispatcher } from "undici";
import { Pool } from "undici";

/**
 * The minimal floor of `npm run bench`: the least a correct Node proxy does per request — node:http
 * in, undici's lower-level `dispatch` out (no `request()` stream, no promise), the hop-by-hop headers
 * dropped both ways and nothing else: no routing, no ids, no header objects.
 *
 *   node bench/minimal-floor.ts http://127.0.0.1:PORT   # prints "listening PORT"
 */
const target = process.argv[2];
if (target === undefined) throw new Error("bench/minimal-floor.ts: give the upstream origin as argument");
const pool = new Pool(target, { pipelining: 1, keepAliveTimeout: 60_000 });

// Hop-by-hop (RFC 9110 §7.6.1) plus Host, which undici sets from the origin: the only names a
// correct proxy must not pass on. Compared in lower case, as raw header names may come in any case.
const HOP = new Set(["connection", "keep-alive", "transfer-encoding", "upgrade", "proxy-connection", "te"]);

/** Set by `passOn` for a request: whether it has a body (read from the raw headers, not `req.headers`). */
let sawBody = false;

function passOn(raw: readonly (string | Buffer)[], request: boolean): string[] {
  const out: string[] = [];
  sawBody = false;
  for (let i = 0; i < raw.length; i += 2) {
    const name = String(raw[i]);
    const lower = name.toLowerCase();
    if (request && (lower === "content-length" || lower === "transfer-encoding")) sawBody = true;
    if (HOP.has(lower) || (request && lower === "host")) continue;
    out.push(name, String(raw[i + 1]));
  }
  return out;
}

/** Writes the upstream answer straight into `res`, pausing undici while the socket is full. */
class Relay implements Dispatcher.DispatchHandler {
  res: ServerResponse;
  constructor(res: ServerResponse) {
    this.res = res;
  }
  // undici requires it; nothing to do before the response.
  onRequestStart(): void {}
  onResponseStart(controller: Dispatcher.DispatchController, status: number): void {
    if (status < 200) return; // an informational answer: the final one follows
    this.res.writeHead(status, passOn((controller.rawHeaders ?? []) as Buffer[], false));
  }
  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    // A client gone away stops the upstream request too, without a listener per request.
    if (this.res.destroyed) controller.abort(new Error("client went away"));
    else if (!this.res.write(chunk)) {
      controller.pause();
      this.res.once("drain", () => controller.resume());
    }
  }
  onResponseEnd(): void {
    this.res.end();
  }
  onResponseError(_controller: Dispatcher.DispatchController, _error: Error): void {
    if (this.res.headersSent) this.res.destroy();
    else this.res.writeHead(502).end();
  }
}

const server = createServer({ requestTimeout: 0 }, (req, res) => {
  const headers = passOn(req.rawHeaders, true);
  if (!sawBody) req.resume();
  pool.dispatch(
    { method: req.method ?? "GET", path: req.url ?? "/", headers, body: sawBody ? req : null },
    new Relay(res),
  );
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === "object" && address ? address.port : 0}\n`);
});
