import { createServer } from "node:http";
import { join } from "node:path";

/**
 * The Lambda baseline: the same handler called in-process by a bare node:http server with a minimal
 * event — what a function costs with no isolation, no event shape and no gateway.
 */
const { handler } = (await import(join(import.meta.dirname, "functions", "hello.mjs"))) as {
  handler: (event: unknown) => Promise<{ statusCode: number; headers: Record<string, string>; body: string }>;
};
const server = createServer(async (req, res) => {
  req.resume();
  const name = (req.url ?? "/").split("/").pop();
  const result = await handler({ pathParameters: { name } });
  res.writeHead(result.statusCode, { ...result.headers, "content-length": Buffer.byteLength(result.body) });
  res.end(result.body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === "object" && address ? address.port : 0}\n`);
});
