import {
  Counter,
  Histogram,
  type MetricObjectWithValues,
  type MetricValueWithName,
  type Registry,
} from "prom-client";

/** A series' label set, as the metrics pass it: made once per stage or route and reused (series-labels.ts). */
export type SeriesKey = Readonly<Record<string, string | undefined>>;

/**
 * The accumulators of a family of series. A request adds to plain numbers found by its label set's
 * identity (a WeakMap lookup); prom-client's per-call work — validating labels, hashing them into a
 * string, a closure per observation — happens once per scrape instead. Two label sets with the same
 * values (a stage redeployed makes new ones) share one accumulator, so a series is never written twice.
 */
class SeriesTable<A> {
  private readonly byIdentity = new WeakMap<SeriesKey, A>();
  private readonly byValues = new Map<string, { labels: Record<string, string>; acc: A }>();
  private readonly make: () => A;

  constructor(make: () => A) {
    this.make = make;
  }

  get(labels: SeriesKey): A {
    const found = this.byIdentity.get(labels);
    if (found !== undefined) return found;
    const defined: Record<string, string> = {};
    for (const [k, v] of Object.entries(labels)) if (v !== undefined) defined[k] = v;
    const key = JSON.stringify(Object.entries(defined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    let entry = this.byValues.get(key);
    if (entry === undefined) {
      entry = { labels: defined, acc: this.make() };
      this.byValues.set(key, entry);
    }
    this.byIdentity.set(labels, entry.acc);
    return entry.acc;
  }

  entries(): Iterable<{ labels: Record<string, string>; acc: A }> {
    return this.byValues.values();
  }
}

/** A counter whose increments are plain additions; prom-client writes it out when scraped. */
export class SeriesCounter {
  private readonly table = new SeriesTable(() => ({ value: 0 }));

  constructor(registry: Registry, name: string, help: string, labelNames: readonly string[]) {
    const table = this.table;
    new Counter({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        for (const { labels, acc } of table.entries()) this.inc(labels, acc.value);
      },
    });
  }

  /** Adds `n` (0 makes the series exist, so rate() works before the first event). */
  inc(labels: SeriesKey, n = 1): void {
    this.table.get(labels).value += n;
  }
}

interface Buckets {
  /** Observations per bucket (not cumulative); the last slot is above the highest bound. */
  readonly counts: Float64Array;
  sum: number;
  count: number;
}

/**
 * A histogram kept as per-bucket counts. prom-client has no call that sets a histogram's buckets, so
 * this one is a prom-client Histogram whose exported values (what the registry formats) are read
 * from the counts: the exposition text is still prom-client's.
 */
class AccumulatedHistogram extends Histogram {
  private readonly described: { name: string; help: string };
  private readonly read: () => MetricValueWithName<string>[];

  constructor(
    registry: Registry,
    described: { name: string; help: string; labelNames: readonly string[] },
    bounds: readonly number[],
    read: () => MetricValueWithName<string>[],
  ) {
    super({ ...described, buckets: [...bounds], registers: [registry] });
    this.described = described;
    this.read = read;
  }

  override async get(): Promise<MetricObjectWithValues<MetricValueWithName<string>>> {
    return {
      name: this.described.name,
      help: this.described.help,
      type: "histogram",
      values: this.read(),
      aggregator: "sum",
      // prom-client's typings declare `type` a numeric enum, while the registry reads the string.
    } as unknown as MetricObjectWithValues<MetricValueWithName<string>>;
  }

  /** What prom-client's registry reads (in preference to get()) when it writes the text. */
  getForPromString(): Promise<MetricObjectWithValues<MetricValueWithName<string>>> {
    return this.get();
  }
}

export class SeriesHistogram {
  private readonly table: SeriesTable<Buckets>;
  private readonly bounds: readonly number[];

  constructor(
    registry: Registry,
    name: string,
    help: string,
    labelNames: readonly string[],
    bounds: readonly number[],
  ) {
    this.bounds = bounds;
    this.table = new SeriesTable(() => ({ counts: new Float64Array(bounds.length + 1), sum: 0, count: 0 }));
    new AccumulatedHistogram(registry, { name, help, labelNames }, bounds, () => this.values(name));
  }

  observe(labels: SeriesKey, value: number): void {
    if (!Number.isFinite(value)) return;
    const b = this.table.get(labels);
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    b.counts[i]! += 1;
    b.sum += value;
    b.count += 1;
  }

  private values(name: string): MetricValueWithName<string>[] {
    const out: MetricValueWithName<string>[] = [];
    for (const { labels, acc } of this.table.entries()) {
      let cumulative = 0;
      for (let i = 0; i < this.bounds.length; i++) {
        cumulative += acc.counts[i]!;
        out.push({
          labels: { ...labels, le: this.bounds[i]! },
          value: cumulative,
          metricName: `${name}_bucket`,
        });
      }
      out.push({ labels: { ...labels, le: "+Inf" }, value: acc.count, metricName: `${name}_bucket` });
      out.push({ labels, value: acc.sum, metricName: `${name}_sum` });
      out.push({ labels, value: acc.count, metricName: `${name}_count` });
    }
    return out;
  }
}
