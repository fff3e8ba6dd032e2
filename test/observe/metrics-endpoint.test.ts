import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { signRequest } from "../../src/auth/sigv4/sign-request.ts";
import { ConfigError } from "../../src/config/config-error.ts";
import { loadConfigFile } from "../../src/config/load-config.ts";
import { resolveSettings } from "../../src/config/settings.ts";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";
import { Scraped, scrape } from "../support/prometheus.ts";
import { mockIntegration } from "../support/snippets.ts";

// Prometheus scrapes /metrics as it scrapes anything: no SigV4. It is on the admin listener, and on a
// listener of its own when `metrics.port` is set; a configured bearer token guards both.

const TOKEN = "scrape-token-0123456789";
const API = `
openapi: 3.0.1
info: { title: Shared, version: "1" }
paths:
  /mock:
    get:${mockIntegration('{"ok":true}')}
`;

describe("the /metrics endpoints", () => {
  let guarded: TestGateway;
  let open: TestGateway;
  before(async () => {
    guarded = await startTestGateway({
      metrics: { enabled: true, port: 0, host: "127.0.0.1", bearerToken: TOKEN },
    });
    open = await startTestGateway();
  });
  after(async () => {
    await guarded.close();
    await open.close();
  });
  const listener = () => `http://127.0.0.1:${guarded.portico.metricsPort}/metrics`;

  test("without a token: the admin listener answers an unsigned scrape; no listener of its own unless asked", async () => {
    const m = await scrape(`http://127.0.0.1:${open.adminPort}/metrics`);
    assert.equal(m.family("process_cpu_user_seconds_total").type, "COUNTER", "Node's process metrics too");
    assert.equal(open.portico.metricsPort, undefined);
  });

  test("with a token: no Authorization or a wrong token is 401 with a Bearer challenge, on both listeners", async () => {
    for (const url of [listener(), `http://127.0.0.1:${guarded.adminPort}/metrics`]) {
      const none = await fetch(url);
      assert.equal(none.status, 401, url);
      assert.equal(none.headers.get("www-authenticate"), 'Bearer realm="metrics"');
      assert.equal(await none.text(), '{"message":"Unauthorized"}');
      const wrong = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}x` } });
      assert.equal(wrong.status, 401);
      assert.match(wrong.headers.get("www-authenticate") ?? "", /error="invalid_token"/);
      await wrong.text();
      const basic = await fetch(url, { headers: { authorization: `Basic ${btoa(`u:${TOKEN}`)}` } });
      assert.equal(basic.status, 401, "only the Bearer scheme");
      await basic.text();
      const m = await scrape(url, { authorization: `Bearer ${TOKEN}` });
      assert.ok(m.families.has("portico_rest_count_total"));
    }
  });

  test("with a token, a SigV4 signature alone does not open the admin listener's /metrics", async () => {
    const url = `http://127.0.0.1:${guarded.adminPort}/metrics`;
    const headers = signRequest({
      method: "GET",
      url,
      headers: {},
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
      region: "us-east-1",
      service: "apigateway",
    });
    const r = await fetch(url, { headers });
    assert.equal(r.status, 401);
    await r.text();
  });

  test("the metrics listener serves /metrics only: other paths 404, other methods 405", async () => {
    const base = `http://127.0.0.1:${guarded.portico.metricsPort}`;
    const auth = { authorization: `Bearer ${TOKEN}` };
    const other = await fetch(`${base}/restapis`, { headers: auth });
    assert.equal(other.status, 404);
    await other.text();
    const post = await fetch(`${base}/metrics`, { method: "POST", headers: auth, body: "x" });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get("allow"), "GET, HEAD");
    await post.text();
    const head = await fetch(`${base}/metrics`, { method: "HEAD", headers: auth });
    assert.equal(head.status, 200);
    const query = await scrape(`${base}/metrics?name[]=x`, auth);
    assert.ok(query.families.size > 0, "a query string is ignored");
  });

  test("two gateways in one process count only their own traffic, under the same ApiName", async () => {
    const [a, b] = [await guarded.deployRest(API, "prod"), await open.deployRest(API, "prod")];
    for (let i = 0; i < 3; i++) assert.equal((await guarded.call(a, "/prod/mock")).status, 200);
    assert.equal((await open.call(b, "/prod/mock")).status, 200);
    assert.equal(
      (await open.call(b, "/prod/nowhere")).status,
      403,
      "no route: counted by the listener it came to",
    );
    const stage = { ApiName: "Shared", Stage: "prod" };
    const mine = await scrape(listener(), { authorization: `Bearer ${TOKEN}` });
    const theirs = await scrape(`http://127.0.0.1:${open.adminPort}/metrics`);
    assert.equal(mine.value("portico_rest_count_total", stage), 3);
    assert.equal(theirs.value("portico_rest_count_total", stage), 2);
    assert.equal(theirs.value("portico_rest_4xx_error_total", stage), 1);
  });
});

describe("metrics settings", () => {
  const dir = mkdtempSync(join(tmpdir(), "portico-metrics-cfg-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const load = (text: string) => {
    const file = join(dir, "c.yaml");
    writeFileSync(file, text);
    return loadConfigFile(file);
  };
  const problems = (run: () => unknown): string[] => {
    try {
      run();
    } catch (err) {
      assert.ok(err instanceof ConfigError, String(err));
      return [...err.problems];
    }
    assert.fail("expected a ConfigError");
  };

  test("metrics: { port, host, bearerToken } from the file; --metrics-port and PORTICO_METRICS_* over it", () => {
    const config = load(`metrics: { port: 9464, host: 0.0.0.0, bearerToken: ${TOKEN} }\n`);
    const fromFile = resolveSettings({ flags: {}, env: {}, config });
    assert.deepEqual(fromFile.metrics, { enabled: true, port: 9464, host: "0.0.0.0", bearerToken: TOKEN });
    const over = resolveSettings({
      flags: { "metrics-port": "9999" },
      env: { PORTICO_METRICS_TOKEN: "another-token-0123456789" },
      config,
    });
    assert.deepEqual(over.metrics, {
      enabled: true,
      port: 9999,
      host: "0.0.0.0",
      bearerToken: "another-token-0123456789",
    });
    const none = resolveSettings({ flags: {}, env: {} });
    assert.deepEqual(none.metrics, {
      enabled: true,
      port: undefined,
      host: "127.0.0.1",
      bearerToken: undefined,
    });
  });

  test("bad metrics settings are refused with the key named", () => {
    assert.match(problems(() => load("metrics: { prot: 1 }\n")).join("\n"), /prot/);
    assert.match(problems(() => load("metrics: { bearerToken: short }\n")).join("\n"), /bearerToken/);
    assert.match(
      problems(() => resolveSettings({ flags: {}, env: { PORTICO_METRICS_TOKEN: "short" } })).join("\n"),
      /PORTICO_METRICS_TOKEN/,
    );
    assert.match(
      problems(() => resolveSettings({ flags: { "metrics-port": "70000" }, env: {} })).join("\n"),
      /--metrics-port/,
    );
    assert.match(problems(() => load("metrics: { enabled: maybe }\n")).join("\n"), /enabled/);
    assert.match(
      problems(() => resolveSettings({ flags: {}, env: { PORTICO_METRICS: "maybe" } })).join("\n"),
      /PORTICO_METRICS: must be true or false/,
    );
    assert.match(
      problems(() =>
        resolveSettings({ flags: {}, env: {}, config: load("metrics: { enabled: false, port: 9464 }\n") }),
      ).join("\n"),
      /metrics\.port: a metrics listener needs metrics\.enabled/,
    );
  });

  test("metrics: { enabled: false } from the file, PORTICO_METRICS over it", () => {
    const off = load("metrics: { enabled: false }\n");
    assert.equal(resolveSettings({ flags: {}, env: {}, config: off }).metrics?.enabled, false);
    assert.equal(
      resolveSettings({ flags: {}, env: { PORTICO_METRICS: "true" }, config: off }).metrics?.enabled,
      true,
    );
    assert.equal(resolveSettings({ flags: {}, env: { PORTICO_METRICS: "0" } }).metrics?.enabled, false);
  });

  test("the test parser refuses what Prometheus could not read", () => {
    assert.throws(() => new Scraped("portico_rest_count_total{ApiName=unquoted} 1\n"));
  });
});
