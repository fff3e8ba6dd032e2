/**
 * `npm run demo:ws -- [message]`: connects to the demo's WebSocket API, sends one message and prints
 * the answer (any WebSocket client works: the URL is printed by `npm start`).
 */
import WebSocket from "ws";
import { WS_API_ID } from "./websocket-api.ts";

const port = Number(process.env.PORTICO_PORT ?? 8080);
const message = process.argv[2] ?? "hello";
const ws = new WebSocket(`ws://127.0.0.1:${port}/prod`, {
  headers: { host: `${WS_API_ID}.execute-api.us-east-1.localhost` },
});
ws.on("open", () => ws.send(message));
ws.on("message", (data) => {
  process.stdout.write(`${data.toString()}\n`);
  ws.close();
});
ws.on("error", (err) => {
  process.stderr.write(`demo:ws: ${err.message}\n`);
  process.exit(1);
});
