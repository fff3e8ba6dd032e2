/**
 * Traffic benchmark, every ratio from one interleaved run:
 *   - cache hits: Portico answering from its stage cache vs a bare node:http server answering the
 *     same bytes from memory (target ≥ 0.9);
 *   - throttling: a MOCK method with a (never reached) method throttle vs the same method without,
 *     embedded (target ≤ 5 % slower) and on Redis (target ≤ 20 % slower).
 *
 *   node bench/traffic.ts [--rounds 3] [--seconds 5] [--connections 50]
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { APIGatewayClient, UpdateStageCommand } from "@aws-sdk/client-api-gateway";
import { LocalTraffic } from "../src/traffic/local-traffic.ts";
import { freePort, startRedisServer } from "../test/support/redis-server.ts";
import { type BenchTarget, benchOptions, runInterleaved, startChild, stopChildren } from "./harness.ts";

const { rounds, seconds, connections } = benchOptions();
const root = join(import.meta.dirname, "..");
const API_ID = "benchtraf1";
const HOST = `${API_ID}.execute-api.us-east-1.localhost`;

const mock = `
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: { default: { statusCode: "200", responseTemplates: { application/json: '{"id":1}' } } }`;

async function startPortico(
  dir: string,
  name: string,
  redis?: string,
): Promise<{ port: number; admin: number }> {
  const admin = await freePort();
  const config = join(dir, `${name}.yaml`);
  writeFileSync(
    config,
    `accountThrottle: { rateLimit: -1, burstLimit: -1 }\n${redis ? `redis: ${redis}\n` : ""}apis:\n  - openapi: api.yaml\n    id: ${API_ID}\n    stage: prod\n`,
  );
  const args = [
    join(root, "src/cli/main.ts"),
    "start",
    "--config",
    config,
    "--port",
    "0",
    "--admin-port",
    String(admin),
    "--host",
    "127.0.0.1",
    "--in-memory",
  ];
  const port = await startChild(args, /data plane http:\/\/[^:]+:(\d+)/);
  const client = new APIGatewayClient({
    endpoint: `http://127.0.0.1:${admin}`,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  await client.send(
    new UpdateStageCommand({
      restApiId: API_ID,
      stageName: "prod",
      patchOperations: [
        { op: "replace", path: "/cacheClusterEnabled", value: "true" },
        // POST methods are not cached by default; only /throttled gets method settings (a throttle).
        { op: "replace", path: "/~1throttled/POST/throttling/rateLimit", value: "1000000000" },
        { op: "replace", path: "/~1throttled/POST/throttling/burstLimit", value: "1000000000" },
      ],
    }),
  );
  client.destroy();
  return { port, admin };
}

/** A Portico target: a GET, or a POST of `{}` as JSON. */
const at = (name: string, port: number, path: string, method: "GET" | "POST" = "GET"): BenchTarget => ({
  name,
  port,
  request: {
    url: `http://127.0.0.1:${port}/prod${path}`,
    method,
    headers: method === "POST" ? { host: HOST, "content-type": "application/json" } : { host: HOST },
    body: method === "POST" ? "{}" : undefined,
  },
});

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "portico-bench-traffic-"));
  const redis = await startRedisServer();
  try {
    const backend = await startChild([join(root, "bench/backend.ts")], /listening (\d+)/);
    const floor = await startChild([join(root, "bench/memory-server.ts")], /listening (\d+)/);
    writeFileSync(
      join(dir, "api.yaml"),
      `openapi: 3.0.1
info: { title: BenchTraffic, version: "1" }
x-amazon-apigateway-endpoint-configuration: { types: [REGIONAL] }
paths:
  /plain:
    post:${mock}
  /throttled:
    post:${mock}
  /cached:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: "http://127.0.0.1:${backend}/pets/1" }
`,
    );
    const embedded = await startPortico(dir, "embedded");
    const shared = await startPortico(dir, "redis", redis.url);
    const targets: BenchTarget[] = [
      { name: "bare server, bytes from memory", port: floor, request: { url: `http://127.0.0.1:${floor}/` } },
      at("embedded: cache hit", embedded.port, "/cached"),
      at("embedded: MOCK", embedded.port, "/plain", "POST"),
      at("embedded: MOCK + throttle", embedded.port, "/throttled", "POST"),
      at("redis: MOCK", shared.port, "/plain", "POST"),
      at("redis: MOCK + throttle", shared.port, "/throttled", "POST"),
      at("redis: cache hit", shared.port, "/cached"),
    ];
    const medians = await runInterleaved(targets, { rounds, seconds, connections });
    process.stdout.write(
      `\nTraffic, ${connections} connections, ${rounds} interleaved rounds × ${seconds} s (medians)\n`,
    );
    for (const t of targets) {
      const m = medians.get(t.name)!;
      process.stdout.write(
        `${t.name.padEnd(32)} ${Math.round(m.rps).toString().padStart(8)} req/s  p99 ${m.p99} ms  server CPU ${m.cpu.toFixed(1)} µs/req  errors ${m.errors}\n`,
      );
    }
    // End-to-end figures move ±10 % between rounds on a shared 2-core machine; the decision's own
    // cost, timed alone, says what throttling adds to each request.
    const traffic = new LocalTraffic();
    const buckets = [
      { key: "s:api/prod:/throttled/POST", rate: 1e9, burst: 1e9 },
      { key: "a", rate: 1e9, burst: 1e9 },
    ];
    for (let i = 0; i < 100_000; i++) traffic.admit(buckets, undefined);
    const decisions = 2_000_000;
    const t0 = performance.now();
    for (let i = 0; i < decisions; i++) traffic.admit(buckets, undefined);
    const micros = ((performance.now() - t0) * 1000) / decisions;
    const requestMicros = 1e6 / medians.get("embedded: MOCK")!.rps;
    const ratio = (a: string, b: string) => medians.get(a)!.rps / medians.get(b)!.rps;
    const overhead = (a: string, b: string) => `${((1 - ratio(a, b)) * 100).toFixed(1)} %`;
    // Server CPU per request: the same comparisons, unmoved by what the load generator takes.
    const cpuRatio = (a: string, b: string) => medians.get(b)!.cpu / medians.get(a)!.cpu;
    process.stdout.write(
      `cache hit / bare server: ${ratio("embedded: cache hit", "bare server, bytes from memory").toFixed(2)}×  (target ≥ 0.90)\n` +
        `  by server CPU per request: ${cpuRatio("embedded: cache hit", "bare server, bytes from memory").toFixed(2)}×\n` +
        `throttling overhead, embedded: ${overhead("embedded: MOCK + throttle", "embedded: MOCK")}  (target ≤ 5 %)\n` +
        `  by server CPU per request: ${((1 - cpuRatio("embedded: MOCK + throttle", "embedded: MOCK")) * 100).toFixed(1)} %\n` +
        `embedded throttle decision (two buckets): ${micros.toFixed(3)} µs = ${((micros / requestMicros) * 100).toFixed(2)} % of a MOCK request's ${requestMicros.toFixed(1)} µs\n` +
        `throttling overhead, Redis: ${overhead("redis: MOCK + throttle", "redis: MOCK")}  (target ≤ 20 %)\n` +
        `cache hit on Redis / bare server: ${ratio("redis: cache hit", "bare server, bytes from memory").toFixed(2)}×\n`,
    );
  } finally {
    stopChildren();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
