/** A bare `ws` echo server, the benchmark's direct target: run as its own process, as Portico is. */
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";

const server = new WebSocketServer({ port: 0, host: "127.0.0.1" });
server.on("connection", (ws) => ws.on("message", (data, isBinary) => ws.send(data, { binary: isBinary })));
server.on("listening", () => process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`));
