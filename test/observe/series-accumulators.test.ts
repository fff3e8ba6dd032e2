import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Registry } from "prom-client";
import { SeriesCounter, SeriesHistogram } from "../../src/observe/series-accumulators.ts";
import { Scraped } from "../support/prometheus.ts";

// The hot path adds to plain numbers; prom-client writes them out when scraped. What it writes must
// be what a prom-client Counter and Histogram would have written for the same observations.

describe("series accumulators", () => {
  test("a histogram's buckets are cumulative, `le` is inclusive, +Inf/_count/_sum agree; NaN is not observed", async () => {
    const registry = new Registry();
    const h = new SeriesHistogram(registry, "t_latency", "help", ["Stage"], [1, 5, 10]);
    const labels = { Stage: "prod" };
    for (const v of [0.5, 1, 3, 5, 7, 11, 1000, Number.NaN]) h.observe(labels, v);
    const m = new Scraped(await registry.metrics());
    assert.equal(m.family("t_latency").type, "HISTOGRAM");
    assert.deepEqual(
      [...m.buckets("t_latency", labels)],
      [
        ["1", 2],
        ["5", 4],
        ["10", 5],
        ["+Inf", 7],
      ],
    );
    assert.equal(m.count("t_latency", labels), 7);
    assert.equal(m.value("t_latency_sum", labels), 0.5 + 1 + 3 + 5 + 7 + 11 + 1000);
  });

  test("label sets with the same values, made apart (a stage redeployed), are one series", async () => {
    const registry = new Registry();
    const c = new SeriesCounter(registry, "t_count_total", "help", ["ApiName", "Stage", "Method"]);
    const h = new SeriesHistogram(registry, "t_ms", "help", ["ApiName", "Stage", "Method"], [10]);
    c.inc({ ApiName: "A", Stage: "prod" }, 0);
    c.inc({ ApiName: "A", Stage: "prod" });
    c.inc({ Stage: "prod", ApiName: "A", Method: undefined }, 2);
    c.inc({ ApiName: "A", Stage: "dev" });
    h.observe({ ApiName: "A", Stage: "prod" }, 1);
    h.observe({ Stage: "prod", ApiName: "A" }, 20);
    const text = await registry.metrics();
    const m = new Scraped(text);
    assert.equal(m.value("t_count_total", { ApiName: "A", Stage: "prod" }), 3);
    assert.equal(m.value("t_count_total", { ApiName: "A", Stage: "dev" }), 1);
    assert.equal(m.count("t_ms", { ApiName: "A", Stage: "prod" }), 2);
    assert.equal(text.match(/^t_ms_count/gm)?.length, 1, text);
  });

  test("a series made with 0 is exported before its first event", async () => {
    const registry = new Registry();
    const c = new SeriesCounter(registry, "t_errors_total", "help", ["Stage"]);
    c.inc({ Stage: "prod" }, 0);
    const m = new Scraped(await registry.metrics());
    assert.equal(m.exact("t_errors_total", { Stage: "prod" })?.value, "0");
  });
});
