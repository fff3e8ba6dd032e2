/**
 * Observability overhead on the HTTP_PROXY path: the same request through a bare Node proxy (the
 * floor), Portico with nothing observed ("off": `metrics: { enabled: false }`, no access log), and
 * Portico with the observers on ("on": the Prometheus metrics, and an access log in AWS's JSON example
 * format on the stage, written to a file, plus whatever `PORTICO_BENCH_OBSERVE_CONFIG` adds to the
 * config file), interleaved round
 * by round in one run. Prints req/s, p50/p99 and server CPU per request, and the on/off overhead.
 *
 *   npm run bench:observe
 *   npm run bench:observe -- --rounds 5 --seconds 10 --connections 100
 *   npm run bench:observe -- --rate 2000   (held load: the overhead as CPU per request)
 *   PORTICO_BENCH_OBSERVE_CONFIG='executionLogs: { … }' npm run bench:observe
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { APIGatewayClient, UpdateStageCommand } from "@aws-sdk/client-api-gateway";
import { freePort } from "../test/support/redis-server.ts";
import {
  type BenchTarget,
  benchOptions,
  children,
  median,
  porticoArgs,
  proxyApiDocument,
  runInterleaved,
  type Sample,
  startChild,
  stopChildren,
} from "./harness.ts";

const { rounds, seconds, connections, rate } = benchOptions();
const root = join(import.meta.dirname, "..");

// AWS's JSON example (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html).
const JSON_FORMAT =
  '{ "requestId":"$context.requestId", "extendedRequestId":"$context.extendedRequestId","ip": "$context.identity.sourceIp", "caller":"$context.identity.caller", "user":"$context.identity.user", "requestTime":"$context.requestTime", "httpMethod":"$context.httpMethod", "resourcePath":"$context.resourcePath", "status":"$context.status", "protocol":"$context.protocol", "responseLength":"$context.responseLength" }';
const LOG_GROUP = "arn:aws:logs:us-east-1:000000000000:log-group:bench-access";

/** A Portico child on `config`, with a known admin port; returns its data-plane and admin ports. */
async function startPortico(config: string): Promise<{ port: number; adminPort: number }> {
  const adminPort = await freePort();
  const args = porticoArgs(root, config);
  args[args.indexOf("--admin-port") + 1] = String(adminPort);
  const port = await startChild(args, /data plane http:\/\/[^:]+:(\d+)/);
  return { port, adminPort };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "portico-bench-observe-"));
  try {
    const backendPort = await startChild([join(root, "bench/backend.ts")], /listening (\d+)/);
    const backend = `http://127.0.0.1:${backendPort}`;
    const floorPort = await startChild([join(root, "bench/bare-proxy.ts"), backend], /listening (\d+)/);
    writeFileSync(join(dir, "api.yaml"), proxyApiDocument(backend));
    const accessLog = join(dir, "access.log");
    const base = `accountThrottle: { rateLimit: -1, burstLimit: -1 }\napis:\n  - openapi: api.yaml\n    id: benchapi01\n    stage: prod\n`;
    // Off: no metrics (nothing subscribes to the request events) and no access log on the stage.
    writeFileSync(join(dir, "off.yaml"), `${base}metrics: { enabled: false }\n`);
    writeFileSync(
      join(dir, "on.yaml"),
      `${base}accessLogs:\n  default: off\n  destinations:\n    "${LOG_GROUP}": ${JSON.stringify(accessLog)}\n${
        process.env.PORTICO_BENCH_OBSERVE_CONFIG ?? ""
      }\n`,
    );
    const off = await startPortico(join(dir, "off.yaml"));
    const on = await startPortico(join(dir, "on.yaml"));
    const client = new APIGatewayClient({
      endpoint: `http://127.0.0.1:${on.adminPort}`,
      region: "us-east-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    });
    await client.send(
      new UpdateStageCommand({
        restApiId: "benchapi01",
        stageName: "prod",
        patchOperations: [
          { op: "replace", path: "/accessLogSettings/destinationArn", value: LOG_GROUP },
          { op: "replace", path: "/accessLogSettings/format", value: JSON_FORMAT },
        ],
      }),
    );
    client.destroy();
    const host = "benchapi01.execute-api.us-east-1.localhost";
    const portico = (name: string, port: number): BenchTarget => ({
      name,
      port,
      request: { url: `http://127.0.0.1:${port}/prod/pets/1`, headers: { host } },
    });
    const targets: BenchTarget[] = [
      {
        name: "bare node proxy (floor)",
        port: floorPort,
        request: { url: `http://127.0.0.1:${floorPort}/pets/1` },
      },
      portico("portico, observers off", off.port),
      portico("portico, observers on", on.port),
    ];
    // Round by round (each after a second's warm-up), so that each round's on/off ratio compares runs
    // seconds apart: on a shared machine the load moves more between rounds than within one.
    const perRound: Map<string, Sample>[] = [];
    for (let round = 0; round < rounds; round++)
      perRound.push(
        await runInterleaved(targets, {
          rounds: 1,
          seconds,
          connections,
          ...(rate === undefined ? {} : { rate }),
        }),
      );
    const summary = targets.map((t) => {
      const xs = perRound.map((r) => r.get(t.name)!);
      return {
        name: t.name,
        rps: median(xs.map((x) => x.rps)),
        p50: median(xs.map((x) => x.p50)),
        p99: median(xs.map((x) => x.p99)),
        errors: xs.reduce((a, x) => a + x.errors, 0),
        cpu: median(xs.map((x) => x.cpu)),
      };
    });
    const ratio = (f: (s: Sample) => number) =>
      median(perRound.map((r) => f(r.get("portico, observers on")!) / f(r.get("portico, observers off")!)));
    const rpsRatio = ratio((s) => s.rps);
    const cpuRatio = ratio((s) => s.cpu);
    process.stdout.write(
      `\nHTTP_PROXY with and without metrics + access logging (+ PORTICO_BENCH_OBSERVE_CONFIG: ${
        process.env.PORTICO_BENCH_OBSERVE_CONFIG ?? "none"
      }), ${connections} connections, ${rounds} interleaved rounds × ${seconds} s (medians)\n`,
    );
    process.stdout.write(
      `${"target".padEnd(28)}${"req/s".padStart(10)}${"p50 ms".padStart(9)}${"p99 ms".padStart(9)}${"errors".padStart(8)}${"CPU µs/req".padStart(12)}\n`,
    );
    for (const s of summary) {
      process.stdout.write(
        `${s.name.padEnd(28)}${Math.round(s.rps).toString().padStart(10)}${s.p50.toFixed(0).padStart(9)}${s.p99.toFixed(0).padStart(9)}${String(s.errors).padStart(8)}${s.cpu.toFixed(1).padStart(12)}\n`,
      );
    }
    const [, offS, onS] = summary as [unknown, (typeof summary)[0], (typeof summary)[0]];
    stopChildren();
    // Once the children have exited (SIGTERM: a graceful close), every buffered line is on disk.
    await Promise.all(
      children.map((c) => (c.exitCode !== null ? undefined : new Promise((r) => c.once("exit", r)))),
    );
    const lines = readFileSync(accessLog, "utf8").split("\n").length - 1;
    // At a held rate every target answers the same number of requests: the cost is the CPU each takes.
    const overhead =
      rate === undefined
        ? `throughput ${rpsRatio.toFixed(3)}× (overhead ${((1 - rpsRatio) * 100).toFixed(1)} %, target ≤ 5 %); ` +
          `server CPU per request ${cpuRatio.toFixed(3)}× (+${((cpuRatio - 1) * 100).toFixed(1)} %)`
        : `at ${rate} req/s held, server CPU per request ${cpuRatio.toFixed(3)}× ` +
          `(overhead ${((cpuRatio - 1) * 100).toFixed(1)} %, target ≤ 5 %)`;
    process.stdout.write(
      `\nobservers on / off, median of the rounds' ratios: ${overhead}\n` +
        `  p99 added: ${(onS.p99 - offS.p99).toFixed(1)} ms\n` +
        `access-log lines written: ${lines}\n`,
    );
  } finally {
    stopChildren();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
