/**
 * HTTP_PROXY benchmark: the same request through (1) the backend directly, (2) a bare Node proxy
 * (node:http + undici, the floor) and (3) Portico, interleaved round by round in one run so machine
 * noise hits all three alike. Prints req/s and p50/p99 latency per target and Portico's ratios.
 * The previous `npm run bench` (autocannon, unpinned); `npm run bench` is now bench/compare.ts.
 *
 *   npm run bench:proxy                       # 3 rounds × 5 s per target, 50 connections
 *   npm run bench:proxy -- --rounds 5 --seconds 10 --connections 100
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type BenchTarget,
  benchOptions,
  porticoArgs,
  proxyApiDocument,
  runInterleaved,
  startChild,
  stopChildren,
} from "./harness.ts";

const { rounds, seconds, connections } = benchOptions();
const root = join(import.meta.dirname, "..");

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "portico-bench-"));
  try {
    const backendPort = await startChild([join(root, "bench/backend.ts")], /listening (\d+)/);
    const backend = `http://127.0.0.1:${backendPort}`;
    const floorPort = await startChild([join(root, "bench/bare-proxy.ts"), backend], /listening (\d+)/);
    writeFileSync(join(dir, "api.yaml"), proxyApiDocument(backend));
    writeFileSync(
      join(dir, "portico.yaml"),
      // AWS's account limit (10,000 rps) would throttle the benchmark: unlimited here (-1).
      `accountThrottle: { rateLimit: -1, burstLimit: -1 }\napis:\n  - openapi: api.yaml\n    id: benchapi01\n    stage: prod\n`,
    );
    const porticoPort = await startChild(
      porticoArgs(root, join(dir, "portico.yaml")),
      /data plane http:\/\/[^:]+:(\d+)/,
    );
    const host = "benchapi01.execute-api.us-east-1.localhost";
    const targets: BenchTarget[] = [
      { name: "direct backend", port: backendPort, request: { url: `${backend}/pets/1` } },
      {
        name: "bare node proxy (floor)",
        port: floorPort,
        request: { url: `http://127.0.0.1:${floorPort}/pets/1` },
      },
      {
        name: "portico HTTP_PROXY",
        port: porticoPort,
        request: { url: `http://127.0.0.1:${porticoPort}/prod/pets/1`, headers: { host } },
      },
    ];
    const medians = await runInterleaved(targets, { rounds, seconds, connections });
    const summary = targets.map((t) => ({ name: t.name, ...medians.get(t.name)! }));
    process.stdout.write(
      `\nHTTP_PROXY, ${connections} connections, ${rounds} interleaved rounds × ${seconds} s (medians)\n`,
    );
    process.stdout.write(
      `${"target".padEnd(26)}${"req/s".padStart(10)}${"p50 ms".padStart(9)}${"p99 ms".padStart(9)}${"errors".padStart(8)}${"CPU µs/req".padStart(12)}\n`,
    );
    for (const s of summary) {
      process.stdout.write(
        `${s.name.padEnd(26)}${Math.round(s.rps).toString().padStart(10)}${s.p50.toFixed(0).padStart(9)}${s.p99.toFixed(0).padStart(9)}${String(s.errors).padStart(8)}${s.cpu.toFixed(1).padStart(12)}\n`,
      );
    }
    const floor = summary[1]!;
    const portico = summary[2]!;
    process.stdout.write(
      `\nportico / floor throughput: ${(portico.rps / floor.rps).toFixed(2)}×  (target ≥ 0.90)\n` +
        `  by server CPU per request: ${(floor.cpu / portico.cpu).toFixed(2)}×\n` +
        `portico p99 added over floor: ${(portico.p99 - floor.p99).toFixed(1)} ms (target < 1 ms)\n`,
    );
  } finally {
    stopChildren();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
