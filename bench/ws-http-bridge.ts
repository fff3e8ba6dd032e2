/**
 * A WebSocket route to an HTTP backend with nothing else, built the usual way: a bare `ws` server
 * that POSTs each message to the backend through one undici pool (`request()`) and sends the answer
 * back, with no routing, ids, limits or events. Run as its own process, as Portico is:
 * `node bench/ws-http-bridge.ts http://host:port/path`.
 */
import type { AddressInfo } from "node:net";
import { Pool } from "undici";
import { WebSocketServer } from "ws";

const target = new URL(process.argv[2]!);
const pool = new Pool(target.origin, { pipelining: 1, keepAliveTimeout: 4_000 });
const server = new WebSocketServer({ port: 0, host: "127.0.0.1" });
server.on("connection", (ws) =>
  ws.on("message", async (data: Buffer) => {
    try {
      const answer = await pool.request({
        method: "POST",
        path: target.pathname,
        headers: { "content-type": "application/json" },
        body: data,
      });
      ws.send(await answer.body.text());
    } catch {
      ws.send('{"message":"Internal server error"}');
    }
  }),
);
server.on("listening", () => process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`));
