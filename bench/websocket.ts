/**
 * WebSocket round trips through Portico against a direct `ws` echo server, in one run:
 *
 *   npm run bench:websocket                      # 3 rounds × 5 s per target, 50 connections
 *   npm run bench:websocket -- --rounds 5 --seconds 10 --connections 50
 *
 * Each connection sends a message and waits for its answer, again and again (a ping-pong, so the
 * rate is round trips). Portico serves two APIs, each a `$default` route with a route response: a
 * MOCK whose integration response template answers `$input.body`, and an HTTP_PROXY integration to
 * the HTTP benchmark's backend (client → gateway → backend → gateway → client). Every server runs in
 * its own process. Prints round trips/s and p99 per target, and each ratio (target ≥ 0.7× direct).
 */

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ApiGatewayV2Client,
  CreateApiCommand,
  CreateIntegrationCommand,
  CreateIntegrationResponseCommand,
  CreateRouteCommand,
  CreateRouteResponseCommand,
  CreateStageCommand,
} from "@aws-sdk/client-apigatewayv2";
import WebSocket from "ws";
import { benchOptions, median, porticoArgs, rssBytes, startChild, stopChildren } from "./harness.ts";

const root = join(import.meta.dirname, "..");
const { rounds, seconds, connections } = benchOptions();

const freePort = () =>
  new Promise<number>((ok) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => ok(port));
    });
  });

/** Ping-pong on `n` connections for `ms`: round trips per second and the p99 round trip (ms). */
async function run(url: string, host: string | undefined, n: number, ms: number) {
  const latencies: number[] = [];
  let trips = 0;
  let stop = false;
  const clients = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<WebSocket>((ok, fail) => {
          const ws = new WebSocket(url, host === undefined ? {} : { headers: { host } });
          ws.once("open", () => ok(ws));
          ws.once("error", fail);
        }),
    ),
  );
  const done = clients.map(
    (ws) =>
      new Promise<void>((finish) => {
        let sent = performance.now();
        ws.on("message", () => {
          latencies.push(performance.now() - sent);
          trips++;
          if (stop) {
            finish();
            return;
          }
          sent = performance.now();
          ws.send('{"action":"echo","n":1}');
        });
        ws.send('{"action":"echo","n":1}');
      }),
  );
  await new Promise((r) => setTimeout(r, ms));
  stop = true;
  await Promise.race([Promise.all(done), new Promise((r) => setTimeout(r, 2000))]);
  for (const ws of clients) ws.terminate();
  latencies.sort((a, b) => a - b);
  return { rate: trips / (ms / 1000), p99: latencies[Math.floor(latencies.length * 0.99)] ?? 0 };
}

const dir = mkdtempSync(join(tmpdir(), "portico-wsbench-"));
// Every server is its own process, so none shares the load generator's event loop.
const directPort = await startChild([join(root, "bench/ws-echo.ts")], /listening (\d+)/);
// The HTTP_PROXY route's backend: the HTTP benchmark's own (a small fixed JSON answer).
const echoPort = await startChild([join(root, "bench/backend.ts")], /listening (\d+)/);
try {
  writeFileSync(join(dir, "portico.yaml"), "accountThrottle: { rateLimit: -1, burstLimit: -1 }\n");
  const adminPort = await freePort();
  const args = porticoArgs(root, join(dir, "portico.yaml"));
  args[args.indexOf("--admin-port") + 1] = String(adminPort);
  const port = await startChild(args, /data plane http:\/\/[^:]+:(\d+)/);
  const v2 = new ApiGatewayV2Client({
    endpoint: `http://127.0.0.1:${adminPort}`,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  const apiId = (
    await v2.send(
      new CreateApiCommand({
        Name: "bench",
        ProtocolType: "WEBSOCKET",
        RouteSelectionExpression: "$request.body.action",
      }),
    )
  ).ApiId!;
  const integration = await v2.send(
    new CreateIntegrationCommand({
      ApiId: apiId,
      IntegrationType: "HTTP_PROXY",
      IntegrationMethod: "POST",
      IntegrationUri: `http://127.0.0.1:${echoPort}/echo`,
    }),
  );
  const route = await v2.send(
    new CreateRouteCommand({
      ApiId: apiId,
      RouteKey: "$default",
      Target: `integrations/${integration.IntegrationId}`,
      RouteResponseSelectionExpression: "$default",
    }),
  );
  await v2.send(
    new CreateRouteResponseCommand({ ApiId: apiId, RouteId: route.RouteId!, RouteResponseKey: "$default" }),
  );
  await v2.send(new CreateStageCommand({ ApiId: apiId, StageName: "prod", AutoDeploy: true }));
  // A MOCK route that answers with the message itself, through its integration response's template.
  const mockApi = (
    await v2.send(
      new CreateApiCommand({
        Name: "mock",
        ProtocolType: "WEBSOCKET",
        RouteSelectionExpression: "$request.body.action",
      }),
    )
  ).ApiId!;
  const mock = await v2.send(new CreateIntegrationCommand({ ApiId: mockApi, IntegrationType: "MOCK" }));
  await v2.send(
    new CreateIntegrationResponseCommand({
      ApiId: mockApi,
      IntegrationId: mock.IntegrationId!,
      IntegrationResponseKey: "$default",
      ResponseTemplates: { $default: "$input.body" },
    }),
  );
  const mockRoute = await v2.send(
    new CreateRouteCommand({
      ApiId: mockApi,
      RouteKey: "$default",
      Target: `integrations/${mock.IntegrationId}`,
      RouteResponseSelectionExpression: "$default",
    }),
  );
  await v2.send(
    new CreateRouteResponseCommand({
      ApiId: mockApi,
      RouteId: mockRoute.RouteId!,
      RouteResponseKey: "$default",
    }),
  );
  await v2.send(new CreateStageCommand({ ApiId: mockApi, StageName: "prod", AutoDeploy: true }));
  v2.destroy();

  const targets = [
    { name: "direct ws echo", url: `ws://127.0.0.1:${directPort}/`, host: undefined },
    {
      name: "portico MOCK route",
      url: `ws://127.0.0.1:${port}/prod`,
      host: `${mockApi}.execute-api.us-east-1.localhost`,
    },
    {
      name: "portico HTTP_PROXY route",
      url: `ws://127.0.0.1:${port}/prod`,
      host: `${apiId}.execute-api.us-east-1.localhost`,
    },
  ];
  const results = new Map<string, { rate: number[]; p99: number[] }>();
  for (let round = 1; round <= rounds; round++) {
    for (const t of targets) {
      const r = await run(t.url, t.host, connections, seconds * 1000);
      const entry = results.get(t.name) ?? { rate: [], p99: [] };
      entry.rate.push(r.rate);
      entry.p99.push(r.p99);
      results.set(t.name, entry);
      process.stdout.write(
        `round ${round} ${t.name}: ${Math.round(r.rate)} round trips/s, p99 ${r.p99.toFixed(1)} ms\n`,
      );
    }
  }
  process.stdout.write(
    `\nWebSocket ping-pong, ${connections} connections, ${rounds} interleaved rounds × ${seconds} s (medians)\n`,
  );
  for (const [name, r] of results)
    process.stdout.write(
      `${name.padEnd(28)} ${String(Math.round(median(r.rate))).padStart(8)} /s   p99 ${median(r.p99).toFixed(1)} ms\n`,
    );
  // Memory per idle connection: RSS before and after opening IDLE connections that send nothing.
  const IDLE = 10_000;
  const before = rssBytes(port);
  const idle: WebSocket[] = [];
  for (let i = 0; i < IDLE; i += 500) {
    const batch = await Promise.all(
      Array.from(
        { length: Math.min(500, IDLE - i) },
        () =>
          new Promise<WebSocket>((ok, fail) => {
            const ws = new WebSocket(`ws://127.0.0.1:${port}/prod`, {
              headers: { host: `${mockApi}.execute-api.us-east-1.localhost` },
            });
            ws.once("open", () => ok(ws));
            ws.once("error", fail);
          }),
      ),
    );
    idle.push(...batch);
  }
  await new Promise((r) => setTimeout(r, 1000));
  const after = rssBytes(port);
  for (const ws of idle) ws.terminate();
  if (before !== undefined && after !== undefined)
    process.stdout.write(
      `\n${IDLE} idle connections: Portico RSS ${Math.round(before / 2 ** 20)} → ${Math.round(after / 2 ** 20)} MB, ${((after - before) / IDLE / 1024).toFixed(1)} KB per connection (target ≤ 20 KB)\n`,
    );
  const directRate = median(results.get(targets[0]!.name)!.rate);
  for (const t of targets.slice(1))
    process.stdout.write(
      `\n${t.name} / direct round trips: ${(median(results.get(t.name)!.rate) / directRate).toFixed(2)}×  (target ≥ 0.70)`,
    );
  process.stdout.write("\n");
} finally {
  stopChildren();
  rmSync(dir, { recursive: true, force: true });
}
