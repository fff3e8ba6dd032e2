import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";
import { asPrometheusQuery, dashboardQueries } from "../support/grafana-dashboard.ts";
import { mockIntegration } from "../support/snippets.ts";

// A real Prometheus server (Debian's `prometheus`, which .ci/run installs) scrapes two running
// gateways — two nodes, each exposing its own — through their metrics listeners with the bearer
// token, and the request count is read back through Prometheus' query API, summed over the nodes.

const TOKEN = "prometheus-token-0123456789";
const API = `
openapi: 3.0.1
info: { title: Scraped, version: "1" }
paths:
  /mock:
    get:${mockIntegration('{"ok":true}')}
`;

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {}
  }
  return undefined;
}

const binary = onPath("prometheus");
// CI must never skip this silently: there a missing binary is a failure (see .ci/run).
const skip =
  binary === undefined && process.env.CI === undefined
    ? "prometheus is not installed (apt-get install prometheus); this test needs Debian's Prometheus server"
    : false;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as { port: number };
  await new Promise((ok) => server.close(ok));
  return port;
}

describe("a Prometheus server scraping Portico", { skip }, () => {
  const nodes: TestGateway[] = [];
  let prometheus: ChildProcess | undefined;
  let dir: string;
  let api: string;
  let log = "";

  before(async () => {
    assert.ok(
      binary !== undefined,
      "prometheus is not on PATH: .ci/run installs Debian's prometheus package",
    );
    for (let i = 0; i < 2; i++)
      nodes.push(
        await startTestGateway({
          metrics: { enabled: true, port: 0, host: "127.0.0.1", bearerToken: TOKEN },
        }),
      );
    dir = mkdtempSync(join(tmpdir(), "portico-prometheus-"));
    const targets = nodes.map((n) => `"127.0.0.1:${n.portico.metricsPort}"`).join(", ");
    writeFileSync(
      join(dir, "prometheus.yml"),
      `global: { scrape_interval: 1s, evaluation_interval: 1s }
scrape_configs:
  - job_name: portico
    metrics_path: /metrics
    authorization: { type: Bearer, credentials: ${TOKEN} }
    static_configs: [{ targets: [${targets}] }]
`,
    );
    const port = await freePort();
    api = `http://127.0.0.1:${port}/api/v1/query`;
    prometheus = spawn(
      binary,
      [
        `--config.file=${join(dir, "prometheus.yml")}`,
        `--storage.tsdb.path=${join(dir, "data")}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    prometheus.stdout?.on("data", (d: Buffer) => (log += d.toString()));
    prometheus.stderr?.on("data", (d: Buffer) => (log += d.toString()));
  });
  after(async () => {
    const child = prometheus;
    if (child !== undefined && child.exitCode === null) {
      const exited = new Promise((ok) => child.once("exit", ok));
      child.kill("SIGTERM");
      await exited;
    }
    for (const n of nodes) await n.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  /** Polls an instant query until `accept` takes its result; fails with Prometheus' log at the deadline. */
  async function query(promql: string, accept: (result: PromResult[]) => boolean): Promise<PromResult[]> {
    const deadline = Date.now() + 90_000;
    let last: unknown;
    while (Date.now() < deadline) {
      assert.equal(prometheus?.exitCode, null, `prometheus exited:\n${log}`);
      try {
        const r = await fetch(`${api}?query=${encodeURIComponent(promql)}`);
        const body = (await r.json()) as { status: string; data?: { result: PromResult[] } };
        last = body;
        if (body.status === "success" && accept(body.data!.result)) return body.data!.result;
      } catch (err) {
        last = err; // not listening yet
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.fail(`${promql}: no acceptable answer; last: ${JSON.stringify(last)}\nprometheus:\n${log}`);
  }

  test("both nodes are up; the request count comes back through the query API, per node and summed", async () => {
    const ids = [await nodes[0]!.deployRest(API, "prod"), await nodes[1]!.deployRest(API, "prod")];
    for (let i = 0; i < 3; i++) assert.equal((await nodes[0]!.call(ids[0]!, "/prod/mock")).status, 200);
    for (let i = 0; i < 2; i++) assert.equal((await nodes[1]!.call(ids[1]!, "/prod/mock")).status, 200);
    const up = await query('up{job="portico"}', (r) => r.length === 2 && r.every((s) => s.value[1] === "1"));
    assert.equal(up.length, 2);
    const total = await query(
      'sum by (ApiName, Stage) (portico_rest_count_total{ApiName="Scraped"})',
      (r) => r[0]?.value[1] === "5",
    );
    assert.deepEqual(total[0]?.metric, { ApiName: "Scraped", Stage: "prod" });
    const perNode = await query(
      'sum by (instance) (portico_rest_count_total{ApiName="Scraped"})',
      (r) => r.length === 2 && r.every((s) => s.value[1] !== "0"),
    );
    const byInstance = Object.fromEntries(perNode.map((s) => [s.metric.instance, s.value[1]]));
    assert.deepEqual(byInstance, {
      [`127.0.0.1:${nodes[0]!.portico.metricsPort}`]: "3",
      [`127.0.0.1:${nodes[1]!.portico.metricsPort}`]: "2",
    });
  });

  test("every query of the Grafana dashboard (docs/grafana-dashboard.json) is one Prometheus evaluates", async () => {
    for (const { panel, expr } of dashboardQueries()) {
      const promql = asPrometheusQuery(expr);
      const r = await fetch(`${api}?query=${encodeURIComponent(promql)}`);
      const body = (await r.json()) as { status: string; error?: string };
      assert.equal(body.status, "success", `${panel}: ${promql}: ${body.error}`);
    }
  });
});

interface PromResult {
  readonly metric: Record<string, string>;
  readonly value: [number, string];
}
