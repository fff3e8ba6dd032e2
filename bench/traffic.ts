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
import autocannon from "autocannon";
import { LocalTraffic } from "../src/traffic/local-traffic.ts";
import { freePort, startRedisServer } from "../test/support/redis-server.ts";
import { benchOptions, cpuMicros, median, startChild, stopChildren } from "./harness.ts";

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

interface Target {
  name: string;
  url: string;
  /** The port of the server answering, whose CPU time is read around each run. */
  port: number;
  host?: string;
  method?: "GET" | "POST";
}

const headers = (t: Target): Record<string, string> => ({
  ...(t.host ? { host: t.host } : {}),
  ...(t.method === "POST" ? { "content-type": "application/json" } : {}),
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
    const at = (port: number, path: string) => `http://127.0.0.1:${port}/prod${path}`;
    const targets: Target[] = [
      { name: "bare server, bytes from memory", url: `http://127.0.0.1:${floor}/`, port: floor },
      { name: "embedded: cache hit", url: at(embedded.port, "/cached"), port: embedded.port, host: HOST },
      {
        name: "embedded: MOCK",
        url: at(embedded.port, "/plain"),
        port: embedded.port,
        host: HOST,
        method: "POST",
      },
      {
        name: "embedded: MOCK + throttle",
        url: at(embedded.port, "/throttled"),
        port: embedded.port,
        host: HOST,
        method: "POST",
      },
      { name: "redis: MOCK", url: at(shared.port, "/plain"), port: shared.port, host: HOST, method: "POST" },
      {
        name: "redis: MOCK + throttle",
        url: at(shared.port, "/throttled"),
        port: shared.port,
        host: HOST,
        method: "POST",
      },
      { name: "redis: cache hit", url: at(shared.port, "/cached"), port: shared.port, host: HOST },
    ];
    for (const t of targets) {
      const warm = await autocannon({
        url: t.url,
        method: t.method ?? "GET",
        connections,
        duration: 1,
        headers: headers(t),
        body: t.method === "POST" ? "{}" : undefined,
      });
      if (warm.non2xx > 0)
        throw new Error(
          `${t.name}: ${warm.non2xx} non-2xx answers while warming up: ${JSON.stringify(warm.statusCodeStats)}`,
        );
    }
    const samples = new Map(
      targets.map((t) => [t.name, [] as { rps: number; p99: number; errors: number; cpu: number }[]]),
    );
    for (let round = 1; round <= rounds; round++) {
      for (const t of targets) {
        const cpuBefore = cpuMicros(t.port) ?? 0;
        const r = await autocannon({
          url: t.url,
          method: t.method ?? "GET",
          connections,
          duration: seconds,
          headers: headers(t),
          body: t.method === "POST" ? "{}" : undefined,
        });
        const cpu = ((cpuMicros(t.port) ?? Number.NaN) - cpuBefore) / r.requests.total;
        samples
          .get(t.name)!
          .push({ rps: r.requests.average, p99: r.latency.p99, errors: r.errors + r.non2xx, cpu });
        process.stderr.write(
          `round ${round} ${t.name}: ${Math.round(r.requests.average)} req/s p99 ${r.latency.p99} ms\n`,
        );
      }
    }
    const rps = new Map<string, number>();
    const cpu = new Map<string, number>();
    process.stdout.write(
      `\nTraffic, ${connections} connections, ${rounds} interleaved rounds × ${seconds} s (medians)\n`,
    );
    for (const t of targets) {
      const xs = samples.get(t.name)!;
      const r = median(xs.map((x) => x.rps));
      rps.set(t.name, r);
      cpu.set(t.name, median(xs.map((x) => x.cpu)));
      process.stdout.write(
        `${t.name.padEnd(32)} ${Math.round(r).toString().padStart(8)} req/s  p99 ${median(xs.map((x) => x.p99))} ms  server CPU ${cpu.get(t.name)!.toFixed(1)} µs/req  errors ${xs.reduce((a, x) => a + x.errors, 0)}\n`,
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
    const requestMicros = 1e6 / rps.get("embedded: MOCK")!;
    const ratio = (a: string, b: string) => rps.get(a)! / rps.get(b)!;
    const overhead = (a: string, b: string) => `${((1 - ratio(a, b)) * 100).toFixed(1)} %`;
    // Server CPU per request: the same comparisons, unmoved by what the load generator takes.
    const cpuRatio = (a: string, b: string) => cpu.get(b)! / cpu.get(a)!;
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
