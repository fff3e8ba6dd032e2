/**
 * WebSocket messages through Portico against bare servers doing the same with nothing else, in one
 * run, interleaved round by round:
 *
 *   npm run bench:websocket                      # 3 rounds × 5 s per target, 50 connections
 *   npm run bench:websocket -- --rounds 5 --seconds 10 --connections 50 [--poster presigned|undici|sdk]
 *   npm run bench:websocket -- --compare /tmp/portico-before   # A/B against another checkout
 *   npm run bench:websocket -- --only MOCK --cpu-prof /tmp/prof  # profile Portico's side
 *
 * Ping-pong targets: each connection sends a message and waits for its answer, again and again (the
 * rate is round trips). Portico serves three APIs from the bench's portico.yaml, each a two-way
 * `$default` route: a MOCK whose integration response template answers `$input.body`, an HTTP_PROXY
 * integration to the HTTP benchmark's backend (client → gateway → backend → gateway → client), and
 * an AWS_PROXY integration to a function answering `{statusCode: 200, body: event.body}`. The
 * direct target is a bare `ws` echo server; HTTP_PROXY is also compared with a bare `ws` server that
 * POSTs each message to the same backend with undici's `request()` (bench/ws-http-bridge.ts): such
 * a route with nothing else, built the usual way.
 *
 * `@connections` targets: `--connections` connections open, as many SigV4-signed POSTs in flight at
 * once, spread over them; each connection counts what it receives. The baseline is a bare node:http
 * + `ws` server that pushes a posted body to its socket (bench/ws-push.ts).
 *
 * Every server runs in its own process. Then memory per idle connection at 10,000 connections.
 */

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type WebSocket from "ws";
import { cpuMicros, median, porticoArgs, rssBytes, startChild, stopChildren } from "./harness.ts";
import {
  type ConnectionsEndpoint,
  type Figures,
  openClients,
  type Poster,
  pingPong,
  postLoad,
} from "./ws-load.ts";

const root = join(import.meta.dirname, "..");
const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    seconds: { type: "string", default: "5" },
    connections: { type: "string", default: "50" },
    // Who sends the `@connections` posts: the SDK's signer with undici, or the SDK client itself.
    poster: { type: "string", default: "presigned" },
    // A checkout of another commit: its Portico runs beside this one, in the same rounds (A/B).
    compare: { type: "string" },
    // Where Portico writes a CPU profile of each of its threads when the run ends (node --cpu-prof).
    "cpu-prof": { type: "string" },
    // Only the targets whose name contains this text (with the rows they are compared with).
    only: { type: "string" },
  },
});
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const poster = values.poster as Poster;
if (!["presigned", "undici", "sdk"].includes(poster)) throw new Error("--poster is presigned, undici or sdk");

const IDS = { mock: "wsbenchmck", http: "wsbenchhtp", lambda: "wsbenchlmb" };
const echoFunction = `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:wsecho/invocations`;

/** The bench's portico.yaml: the three APIs (and their function) declared, deployed at start. */
const config = (backendPort: number) => `accountThrottle: { rateLimit: -1, burstLimit: -1 }
functions:
  wsecho: { handler: ${join(root, "bench/functions/ws-echo.handler")}, timeout: 10 }
apis:
  - type: WEBSOCKET
    name: mock
    id: ${IDS.mock}
    routeSelectionExpression: $request.body.action
    stage: prod
    routes:
      $default:
        integration: { integrationType: MOCK }
        integrationResponses: { $default: { responseTemplates: { $default: $input.body } } }
        routeResponseSelectionExpression: $default
      # What a connection's id is, for the @connections posts.
      whoami:
        integration: { integrationType: MOCK }
        integrationResponses: { $default: { responseTemplates: { $default: $context.connectionId } } }
        routeResponseSelectionExpression: $default
  - type: WEBSOCKET
    name: http
    id: ${IDS.http}
    routeSelectionExpression: $request.body.action
    stage: prod
    routes:
      $default:
        integration:
          integrationType: HTTP_PROXY
          integrationMethod: POST
          integrationUri: http://127.0.0.1:${backendPort}/echo
        routeResponseSelectionExpression: $default
  - type: WEBSOCKET
    name: lambda
    id: ${IDS.lambda}
    routeSelectionExpression: $request.body.action
    stage: prod
    routes:
      $default:
        integration: { integrationType: AWS_PROXY, integrationUri: "${echoFunction}" }
        routeResponseSelectionExpression: $default
`;

interface Target {
  readonly name: string;
  /** The baselines this one's rate is compared with (by name). */
  readonly against: readonly string[];
  /** The port of the server answering, whose CPU time per message is read around each run. */
  readonly port: number;
  readonly run: (ms: number) => Promise<Figures>;
}

type Result = Figures & { cpu: number };

const DIRECT = "direct ws echo";
const BRIDGE = "bare ws → HTTP bridge";
const BARE_PUSH = "bare POST → ws push";
const host = (apiId: string) => `${apiId}.execute-api.us-east-1.localhost`;
const pingPongTo =
  (url: string, h: string | undefined) =>
  (ms: number): Promise<Figures> =>
    pingPong(url, h, connections, ms);
const postsTo =
  (url: string, h: string | undefined, endpoint: ConnectionsEndpoint) =>
  (ms: number): Promise<Figures> =>
    postLoad({ url, host: h }, endpoint, connections, connections, ms, poster);

/** One kind of Portico target, served by the Portico at `p`. */
function porticoTarget(
  kind: "MOCK" | "HTTP_PROXY" | "Lambda" | "@connections",
  p: number,
  label: string,
): Target {
  const ws = `ws://127.0.0.1:${p}/prod`;
  switch (kind) {
    case "MOCK":
      return {
        name: `Portico${label} MOCK`,
        against: [DIRECT],
        port: p,
        run: pingPongTo(ws, host(IDS.mock)),
      };
    case "HTTP_PROXY":
      return {
        name: `Portico${label} HTTP_PROXY`,
        against: [DIRECT, BRIDGE],
        port: p,
        run: pingPongTo(ws, host(IDS.http)),
      };
    case "Lambda":
      return {
        name: `Portico${label} AWS_PROXY (Lambda)`,
        against: [DIRECT],
        port: p,
        run: pingPongTo(ws, host(IDS.lambda)),
      };
    case "@connections":
      return {
        name: `Portico${label} @connections POST`,
        against: [BARE_PUSH],
        port: p,
        run: postsTo(ws, host(IDS.mock), {
          origin: `http://127.0.0.1:${p}`,
          basePath: `/restapis/${IDS.mock}/prod/_user_request_`,
        }),
      };
  }
}

const dir = mkdtempSync(join(tmpdir(), "portico-wsbench-"));
// Every server is its own process, so none shares the load generator's event loop.
const directPort = await startChild([join(root, "bench/ws-echo.ts")], /listening (\d+)/);
const pushPort = await startChild([join(root, "bench/ws-push.ts")], /listening (\d+)/);
// The HTTP_PROXY route's backend: the HTTP benchmark's own (a small fixed JSON answer).
const backendPort = await startChild([join(root, "bench/backend.ts")], /listening (\d+)/);
const bridgePort = await startChild(
  [join(root, "bench/ws-http-bridge.ts"), `http://127.0.0.1:${backendPort}/echo`],
  /listening (\d+)/,
);
try {
  /** A Portico started from the checkout at `from` with the bench's config, in a folder of its own. */
  const startPortico = (from: string, name: string) => {
    mkdirSync(join(dir, name));
    writeFileSync(join(dir, name, "portico.yaml"), config(backendPort));
    const prof =
      values["cpu-prof"] === undefined
        ? []
        : ["--cpu-prof", "--cpu-prof-interval", "100", "--cpu-prof-dir", join(values["cpu-prof"], name)];
    return startChild(
      [...prof, ...porticoArgs(from, join(dir, name, "portico.yaml"))],
      /data plane http:\/\/[^:]+:(\d+)/,
    );
  };
  const port = await startPortico(root, "portico");
  const comparePort =
    values.compare === undefined ? undefined : await startPortico(values.compare, "compare");
  /** This Portico's target, then (with --compare) the other checkout's, side by side. */
  const porticos = (kind: Parameters<typeof porticoTarget>[0]): Target[] =>
    comparePort === undefined
      ? [porticoTarget(kind, port, "")]
      : [porticoTarget(kind, port, ""), porticoTarget(kind, comparePort, " (compare)")];
  // In the order of the table: each baseline before the rows compared with it.
  const all: Target[] = [
    {
      name: DIRECT,
      against: [],
      port: directPort,
      run: pingPongTo(`ws://127.0.0.1:${directPort}/`, undefined),
    },
    ...porticos("MOCK"),
    ...porticos("Lambda"),
    {
      name: BRIDGE,
      against: [DIRECT],
      port: bridgePort,
      run: pingPongTo(`ws://127.0.0.1:${bridgePort}/`, undefined),
    },
    ...porticos("HTTP_PROXY"),
    {
      name: BARE_PUSH,
      against: [],
      port: pushPort,
      run: postsTo(`ws://127.0.0.1:${pushPort}/`, undefined, {
        origin: `http://127.0.0.1:${pushPort}`,
        basePath: "",
      }),
    },
    ...porticos("@connections"),
  ];
  const only = values.only;
  const picked = only === undefined ? all : all.filter((t) => t.name.includes(only));
  const targets = all.filter((t) => picked.includes(t) || picked.some((p) => p.against.includes(t.name)));
  // A second of each first, so no target's first round pays for compiling its code.
  for (const t of targets) {
    const warm = await t.run(1000);
    if (warm.rate === 0 || warm.errors > 0)
      throw new Error(`${t.name}: ${warm.rate} /s and ${warm.errors} errors while warming up`);
  }
  const results = new Map(targets.map((t) => [t.name, [] as Result[]]));
  for (let round = 1; round <= rounds; round++) {
    for (const t of targets) {
      const cpuBefore = cpuMicros(t.port) ?? Number.NaN;
      const r = await t.run(seconds * 1000);
      // The answering server's CPU time (all its threads) per message: steadier than the rate when
      // the load generator shares the two cores.
      const cpu = ((cpuMicros(t.port) ?? Number.NaN) - cpuBefore) / (r.rate * seconds);
      results.get(t.name)!.push({ ...r, cpu });
      process.stderr.write(
        `round ${round} ${t.name}: ${Math.round(r.rate)} /s, p99 ${r.p99.toFixed(1)} ms, server CPU ${cpu.toFixed(1)} µs, errors ${r.errors}\n`,
      );
    }
  }
  const med = (name: string, pick: (r: Result) => number) => median(results.get(name)!.map(pick));
  const widths = [34, 10, 6, 10, 6, 37];
  const row = (xs: string[]) =>
    `| ${xs.map((x, i) => (i === 0 || i === 5 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join(" | ")} |\n`;
  process.stdout.write(
    `\nWebSocket, ${connections} connections, ${rounds} interleaved rounds × ${seconds} s (medians; ratios: the median of each round's; @connections posts: ${poster})\n\n` +
      row(["target", "per second", "p99 ms", "CPU µs/msg", "errors", "ratio"]) +
      `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |\n`,
  );
  for (const t of targets) {
    const rate = med(t.name, (r) => r.rate);
    const ratios = t.against
      .filter((b) => results.has(b))
      // Round by round, then the median: a round's targets ran back to back, in the same weather.
      .map((b) => {
        const base = results.get(b)!;
        const ratio = median(results.get(t.name)!.map((r, i) => r.rate / base[i]!.rate));
        return `${ratio.toFixed(2)}× ${b.replace(/^bare |^direct /, "")}`;
      });
    process.stdout.write(
      row([
        t.name,
        String(Math.round(rate)),
        med(t.name, (r) => r.p99).toFixed(1),
        med(t.name, (r) => r.cpu).toFixed(1),
        String(results.get(t.name)!.reduce((a, r) => a + r.errors, 0)),
        ratios.length === 0 ? "1" : ratios.join(", "),
      ]),
    );
  }
  // Memory per idle connection: RSS before and after opening IDLE connections that send nothing.
  const IDLE = 10_000;
  const before = rssBytes(port);
  const idle: WebSocket[] = [];
  for (let i = 0; i < IDLE; i += 500)
    idle.push(...(await openClients(`ws://127.0.0.1:${port}/prod`, host(IDS.mock), Math.min(500, IDLE - i))));
  await new Promise((r) => setTimeout(r, 1000));
  const after = rssBytes(port);
  for (const ws of idle) ws.terminate();
  if (before !== undefined && after !== undefined)
    process.stdout.write(
      `\n${IDLE} idle connections: Portico RSS ${Math.round(before / 2 ** 20)} → ${Math.round(after / 2 ** 20)} MB, ${((after - before) / IDLE / 1024).toFixed(1)} KB per connection (target ≤ 20 KB)\n`,
    );
} finally {
  stopChildren();
  rmSync(dir, { recursive: true, force: true });
}
