import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";
import { dashboardQueries, readDashboard } from "../support/grafana-dashboard.ts";
import { scrape } from "../support/prometheus.ts";

// docs/grafana-dashboard.json: a Grafana dashboard whose every query names series this gateway
// exposes (prometheus-server.test.ts has a real Prometheus evaluate each query).

describe("the Grafana dashboard", () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway();
  });
  after(() => gw.close());

  test("is a dashboard: a title, a uid, a Prometheus datasource variable, panels with queries", () => {
    const d = readDashboard();
    assert.ok(d.title && d.uid && d.schemaVersion > 0);
    assert.ok(d.templating.list.some((v) => v.type === "datasource" && v.query === "prometheus"));
    const graphs = d.panels.filter((p) => p.type !== "row");
    assert.ok(graphs.length >= 10);
    for (const p of graphs) {
      assert.deepEqual(p.datasource, { type: "prometheus", uid: "${datasource}" }, p.title);
      assert.ok((p.targets ?? []).length > 0, p.title);
    }
    const titles = graphs.map((p) => p.title).join("\n");
    for (const needed of [
      /Count/,
      /4XX/,
      /Latency p50 \/ p99/,
      /IntegrationLatency/,
      /Cache hit/,
      /Throttled/,
    ])
      assert.match(titles, needed);
    assert.match(titles, /Open connections/);
    assert.match(titles, /MessageCount/);
  });

  test("every series a query names is one the gateway exposes", async () => {
    const m = await scrape(`http://127.0.0.1:${gw.adminPort}/metrics`);
    const names = new Set<string>();
    for (const { expr } of dashboardQueries())
      for (const [name] of expr.matchAll(/\b(?:portico|nodejs|process)_[a-z0-9_]+\b/g)) names.add(name);
    assert.ok(names.size >= 15);
    for (const name of names) {
      const family = name.replace(/_bucket$/, "");
      assert.ok(m.families.has(family), `${name} is not exposed`);
      if (name !== family) assert.equal(m.family(family).type, "HISTOGRAM", name);
    }
  });
});
