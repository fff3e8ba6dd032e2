import { createServer } from "node:http";

/**
 * The cache-hit floor: a bare node:http server answering fixed bytes from memory — the same body and
 * header lines as a Portico cache hit. No routing, no ids, no cache lookup.
 */
const body = Buffer.from(JSON.stringify({ id: 1, type: "dog", price: 249.99, tags: ["a", "b", "c"] }));
// The header lines of a Portico cache hit of the bench's HTTP_PROXY method, value lengths alike.
const headers = [
  "x-amzn-RequestId",
  "5b0a7f4e-6a0f-4c1e-9c59-0d7b4b2f7a10",
  "x-amz-apigw-id",
  "J1EUZ842bck5+Xg=",
  "content-type",
  "application/json",
  "x-amzn-Remapped-Content-Length",
  String(body.length),
  "x-amzn-Remapped-Date",
  "Wed, 25 Nov 2026 23:07:23 GMT",
  "x-amzn-Remapped-Connection",
  "keep-alive",
  "Content-Length",
  String(body.length),
  "x-portico-cache",
  "hit",
];
const server = createServer((req, res) => {
  req.resume();
  res.writeHead(200, headers);
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === "object" && address ? address.port : 0}\n`);
});
