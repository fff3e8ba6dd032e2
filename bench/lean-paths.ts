/**
 * Per-request CPU of the lean paths, one Portico per path so a CPU profile holds one path only:
 * HTTP_PROXY (`proxy`), MOCK (`mock`) and a stage-cache hit (`cache`). At a held rate (`--rate`)
 * every run does the same work per second, so CPU µs per request compares code, not batching.
 *
 *   node bench/lean-paths.ts --rounds 1 --seconds 3 --rate 2000 [--path proxy|mock|cache|all]
 *   node bench/lean-paths.ts --path mock --profile /tmp/prof   # Portico runs under --cpu-prof
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { APIGatewayClient, UpdateStageCommand } from "@aws-sdk/client-api-gateway";
import { request } from "undici";
import { freePort } from "../test/support/redis-server.ts";
import {
  type BenchTarget,
  porticoArgs,
  proxyApiDocument,
  runInterleaved,
  startChild,
  stopChildren,
} from "./harness.ts";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "1" },
    seconds: { type: "string", default: "3" },
    connections: { type: "string", default: "20" },
    rate: { type: "string", default: "2000" },
    path: { type: "string", default: "all" },
    profile: { type: "string" },
  },
});
const root = join(import.meta.dirname, "..");
const paths = values.path === "all" ? ["proxy", "mock", "cache"] : values.path.split(",");
const HOST = "benchlean1.execute-api.us-east-1.localhost";

const mockApi = `openapi: 3.0.1
info: { title: BenchMock, version: "1" }
x-amazon-apigateway-endpoint-configuration: { types: [REGIONAL] }
paths:
  /mock:
    get:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: { default: { statusCode: "200", responseTemplates: { application/json: '{"id":1}' } } }
`;

async function startPortico(dir: string, name: string, api: string, cached: boolean): Promise<number> {
  writeFileSync(join(dir, `${name}.api.yaml`), api);
  const config = join(dir, `${name}.yaml`);
  writeFileSync(
    config,
    `accountThrottle: { rateLimit: -1, burstLimit: -1 }\napis:\n  - openapi: ${name}.api.yaml\n    id: benchlean1\n    stage: prod\n`,
  );
  const admin = await freePort();
  const args = porticoArgs(root, config).map((a, i, all) =>
    all[i - 1] === "--admin-port" ? String(admin) : a,
  );
  const flags =
    values.profile === undefined
      ? []
      : ["--cpu-prof", "--cpu-prof-interval=100", `--cpu-prof-dir=${join(values.profile, name)}`];
  const port = await startChild([...flags, ...args], /data plane http:\/\/[^:]+:(\d+)/);
  if (cached) {
    const client = new APIGatewayClient({
      endpoint: `http://127.0.0.1:${admin}`,
      region: "us-east-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    });
    await client.send(
      new UpdateStageCommand({
        restApiId: "benchlean1",
        stageName: "prod",
        patchOperations: [
          { op: "replace", path: "/cacheClusterEnabled", value: "true" },
          // Method settings created by caching carry AWS's 10,000/5,000 default: unlimited here.
          { op: "replace", path: "/*/*/throttling/rateLimit", value: "1000000000" },
          { op: "replace", path: "/*/*/throttling/burstLimit", value: "1000000000" },
          { op: "replace", path: "/*/*/caching/enabled", value: "true" },
        ],
      }),
    );
    client.destroy();
  }
  return port;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "portico-bench-lean-"));
  try {
    const backendPort = await startChild([join(root, "bench/backend.ts")], /listening (\d+)/);
    const backend = `http://127.0.0.1:${backendPort}`;
    const targets: BenchTarget[] = [];
    for (const p of paths) {
      const api = p === "mock" ? mockApi : proxyApiDocument(backend);
      const port = await startPortico(dir, p, api, p === "cache");
      const url = `http://127.0.0.1:${port}/prod/${p === "mock" ? "mock" : "pets/1"}`;
      targets.push({ name: p, port, request: { url, headers: { host: HOST } } });
      if (p === "cache") {
        // A miss fills the cache; the benchmark measures hits only.
        await request(url, { headers: { host: HOST } }).then((r) => r.body.dump());
        const hit = await request(url, { headers: { host: HOST } });
        await hit.body.dump();
        if (hit.headers["x-portico-cache"] !== "hit")
          throw new Error(`cache: expected a hit, got ${hit.statusCode} ${hit.headers["x-portico-cache"]}`);
      }
    }
    const medians = await runInterleaved(targets, {
      rounds: Number(values.rounds),
      seconds: Number(values.seconds),
      connections: Number(values.connections),
      rate: Number(values.rate),
    });
    for (const t of targets) {
      const m = medians.get(t.name)!;
      process.stdout.write(
        `${t.name.padEnd(8)} ${Math.round(m.rps).toString().padStart(7)} req/s  p99 ${m.p99} ms  CPU ${m.cpu.toFixed(1)} µs/req  errors ${m.errors}\n`,
      );
    }
  } finally {
    stopChildren();
    // Profiles are written on exit: give the children a moment before the config goes.
    await new Promise((r) => setTimeout(r, 1500));
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
