/**
 * Counters the gateway keeps about its traffic, in Prometheus' text format: AWS's per-stage
 * `CacheHitCount` and `CacheMissCount`, and throttling and quota refusals. Labels are built once (at
 * deploy time) so counting a request is one map update.
 */

export interface CounterSpec {
  readonly name: string;
  readonly help: string;
}

export const CACHE_HITS: CounterSpec = {
  name: "portico_cache_hit_count",
  help: "Requests served from the API cache (AWS CacheHitCount).",
};
export const CACHE_MISSES: CounterSpec = {
  name: "portico_cache_miss_count",
  help: "Requests served by the backend while caching was enabled (AWS CacheMissCount).",
};
export const THROTTLED: CounterSpec = {
  name: "portico_throttled_count",
  help: "Requests refused with 429 Too Many Requests.",
};
export const QUOTA_EXCEEDED: CounterSpec = {
  name: "portico_quota_exceeded_count",
  help: "Requests refused with 429 Limit Exceeded.",
};

const escapeLabel = (v: string) => v.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");

/** `{api_id="…",stage="…"}` for a stage. */
export const stageLabels = (apiId: string, stage: string) =>
  `{api_id="${escapeLabel(apiId)}",stage="${escapeLabel(stage)}"}`;

export class Metrics {
  private readonly counters = new Map<CounterSpec, Map<string, number>>();

  inc(counter: CounterSpec, labels: string): void {
    let series = this.counters.get(counter);
    if (series === undefined) {
      series = new Map();
      this.counters.set(counter, series);
    }
    series.set(labels, (series.get(labels) ?? 0) + 1);
  }

  /** The exposition text, with extra single-value series (gauges) appended. */
  render(extra: readonly { name: string; help: string; value: number }[] = []): string {
    let out = "";
    for (const [counter, series] of this.counters) {
      out += `# HELP ${counter.name} ${counter.help}\n# TYPE ${counter.name} counter\n`;
      for (const [labels, value] of series) out += `${counter.name}${labels} ${value}\n`;
    }
    for (const e of extra)
      out += `# HELP ${e.name} ${e.help}\n# TYPE ${e.name} counter\n${e.name} ${e.value}\n`;
    return out;
  }
}
