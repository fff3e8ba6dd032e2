import { readFileSync } from "node:fs";
import { createServer } from "node:http";

/**
 * The bare server a Portico answer is compared with: node:http answering in process, with the status,
 * header lines and body read from one real Portico answer (bench/compare-portico.ts `fetchAnswer`) —
 * the same bytes on the wire, none of the work: no routing, no ids, no template, no cache lookup.
 *
 *   node bench/same-answer-server.ts answer.json   # {status, headers: [name, value, …], body}; prints "listening PORT"
 */
const file = process.argv[2];
if (file === undefined)
  throw new Error("bench/same-answer-server.ts: give the answer's JSON file as argument");
const answer = JSON.parse(readFileSync(file, "utf8")) as { status: number; headers: string[]; body: string };
const body = Buffer.from(answer.body);
const server = createServer((req, res) => {
  req.resume();
  res.writeHead(answer.status, answer.headers);
  res.end(body);
});
// Portico's keep-alive timeout, so even the Keep-Alive header node:http adds is the same.
server.keepAliveTimeout = 65_000;
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === "object" && address ? address.port : 0}\n`);
});
