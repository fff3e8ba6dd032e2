/**
 * The `@connections` baseline: one node:http server holding `ws` connections, where
 * `POST /@connections/{id}` sends the body to that connection, and a message `{"action":"whoami"}`
 * is answered with the connection's id. No SigV4 check, no registry, no ids as AWS makes them: the
 * least a server can do to push a posted message to a socket. Run as its own process, as Portico is.
 */
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";

const held = new Map<string, WebSocket>();
const wss = new WebSocketServer({ noServer: true });
wss.on("connection", (ws) => {
  const id = randomBytes(12).toString("base64");
  held.set(id, ws);
  ws.on("message", () => ws.send(id));
  ws.on("close", () => held.delete(id));
});

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const m = /^\/@connections\/([^/?]+)$/.exec(req.url ?? "");
    const ws = m === null ? undefined : held.get(decodeURIComponent(m[1]!));
    if (req.method !== "POST" || ws === undefined) {
      res.writeHead(410, { "Content-Length": 0 }).end();
      return;
    }
    ws.send(Buffer.concat(chunks));
    res.writeHead(200, { "Content-Type": "application/json", "Content-Length": 0 }).end();
  });
});
server.on("upgrade", (req, socket, head) =>
  wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws)),
);
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () =>
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`),
);
