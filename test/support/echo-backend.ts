import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** What the echo backend saw, returned as its JSON body. */
export interface Echo {
  method: string;
  url: string;
  rawHeaders: string[];
  headers: IncomingMessage["headers"];
  bodyBase64: string;
  bodyLength: number;
}

export interface EchoBackend {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

/**
 * A real HTTP backend on loopback that answers with what it received. Paths under `/status/{code}`
 * answer with that status, `/slow/{ms}` waits first, `/headers` sets multi-value response headers,
 * `/binary` returns every byte value.
 */
export async function startEchoBackend(): Promise<EchoBackend> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    try {
      for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
    } catch {
      return; // the client (the gateway) gave up on the upload
    }
    const body = Buffer.concat(chunks);
    const path = (req.url ?? "/").split("?")[0]!;
    const slow = /^\/slow\/(\d+)/.exec(path);
    if (slow) await new Promise((r) => setTimeout(r, Number(slow[1])));
    if (path === "/binary") {
      const bytes = Buffer.alloc(256);
      for (let i = 0; i < 256; i++) bytes[i] = i;
      res.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Length": "256" });
      res.end(bytes);
      return;
    }
    const status = /^\/status\/(\d{3})/.exec(path);
    const echo: Echo = {
      method: req.method ?? "",
      url: req.url ?? "",
      rawHeaders: req.rawHeaders,
      headers: req.headers,
      bodyBase64: body.toString("base64"),
      bodyLength: body.length,
    };
    const text = JSON.stringify(echo);
    const headers: [string, string][] = [
      ["Content-Type", "application/json"],
      ["Content-Length", String(Buffer.byteLength(text))],
      ["X-Backend", "echo"],
    ];
    if (path === "/headers")
      headers.push(["Set-Cookie", "a=1"], ["Set-Cookie", "b=2"], ["X-Multi", "one"], ["X-Multi", "two"]);
    res.writeHead(status ? Number(status[1]) : 200, headers.flat());
    res.end(text);
  });
  server.keepAliveTimeout = 10_000;
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
