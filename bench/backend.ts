import { createServer } from "node:http";

/** The benchmark's backend: a fixed small JSON answer, as cheap as node:http can make it. */
const body = Buffer.from(JSON.stringify({ id: 1, type: "dog", price: 249.99, tags: ["a", "b", "c"] }));
const server = createServer((req, res) => {
  req.resume();
  res.writeHead(200, { "Content-Type": "application/json", "Content-Length": body.length });
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.argv[2] ?? 0), "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === "object" && address ? address.port : 0}\n`);
});
