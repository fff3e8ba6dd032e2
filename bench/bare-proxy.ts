import { createServer } from "node:http";
import { Pool } from "undici";

/**
 * The floor: the least a Node proxy can do — node:http in, one undici Pool out, headers and body
 * passed through, no routing, no ids. Portico is measured against this.
 */
const target = process.argv[2]!;
const pool = new Pool(target, { pipelining: 1, keepAliveTimeout: 4_000 });
function forwardable(raw: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (name !== "host" && name !== "connection") out.push(raw[i]!, raw[i + 1]!);
  }
  return out;
}

const server = createServer({ requestTimeout: 0 }, async (req, res) => {
  try {
    const upstream = await pool.request({
      method: (req.method ?? "GET") as "GET",
      path: req.url ?? "/",
      headers: forwardable(req.rawHeaders),
      body: req.headers["content-length"] || req.headers["transfer-encoding"] ? req : null,
    });
    const headers: string[] = [];
    for (const [k, v] of Object.entries(upstream.headers)) {
      if (k === "connection" || k === "keep-alive" || k === "transfer-encoding" || v === undefined) continue;
      if (Array.isArray(v)) for (const x of v) headers.push(k, x);
      else headers.push(k, v);
    }
    res.writeHead(upstream.statusCode, headers);
    // Not stream.pipeline: its per-call AbortController costs more than the rest of the proxying.
    upstream.body.once("error", () => res.destroy());
    res.once("close", () => {
      if (!upstream.body.readableEnded) upstream.body.destroy();
    });
    upstream.body.pipe(res);
  } catch {
    if (res.headersSent) res.destroy();
    else res.writeHead(502).end();
  }
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === "object" && address ? address.port : 0}\n`);
});
