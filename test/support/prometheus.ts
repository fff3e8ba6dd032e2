import assert from "node:assert/strict";
import parsePrometheusTextFormat, {
  type ParsedFamily,
  type ParsedSample,
} from "parse-prometheus-text-format";

/**
 * A scrape of /metrics read with a real Prometheus text-format parser (not regular expressions), so
 * a test fails on output Prometheus could not read as well as on a wrong count.
 */
export class Scraped {
  readonly families: ReadonlyMap<string, ParsedFamily>;
  /**
   * The same text with histograms read as their `_bucket`, `_sum` and `_count` series: the parser
   * (1.1.1) folds a histogram's series into one whatever their labels (its flattenMetrics keeps only
   * `le`), so labelled histograms are read line by line, untyped.
   */
  private readonly series: ReadonlyMap<string, ParsedFamily>;

  constructor(text: string) {
    this.families = new Map(parsePrometheusTextFormat(text).map((f) => [f.name, f]));
    const untyped = text
      .split("\n")
      .filter((line) => !/^# TYPE \S+ histogram$/.test(line))
      .join("\n");
    this.series = new Map(parsePrometheusTextFormat(untyped).map((f) => [f.name, f]));
  }

  family(name: string): ParsedFamily {
    const found = this.families.get(name);
    assert.ok(found !== undefined, `no metric family ${name}`);
    return found;
  }

  /** The samples of a series whose labels include `labels` (every one of them, exactly). */
  samples(name: string, labels: Record<string, string>): ParsedSample[] {
    return (this.series.get(name)?.metrics ?? []).filter((m) =>
      Object.entries(labels).every(([k, v]) => m.labels?.[k] === v),
    );
  }

  /** The one sample whose labels are exactly `labels`; undefined when there is none. */
  exact(name: string, labels: Record<string, string>): ParsedSample | undefined {
    const matching = this.samples(name, labels).filter(
      (m) => Object.keys(m.labels ?? {}).length === Object.keys(labels).length,
    );
    assert.ok(matching.length <= 1, `${name}: more than one series with ${JSON.stringify(labels)}`);
    return matching[0];
  }

  /** A counter's or gauge's value for exactly `labels`; 0 when the series does not exist. */
  value(name: string, labels: Record<string, string>): number {
    const sample = this.exact(name, labels);
    return sample?.value === undefined ? 0 : Number(sample.value);
  }

  /** A histogram's observation count for exactly `labels` (besides `le`); 0 when there is none. */
  count(name: string, labels: Record<string, string>): number {
    return this.value(`${name}_count`, labels);
  }

  /** A histogram's cumulative bucket counts by upper bound (`le`), for exactly `labels`. */
  buckets(name: string, labels: Record<string, string>): Map<string, number> {
    const width = Object.keys(labels).length + 1;
    return new Map(
      this.samples(`${name}_bucket`, labels)
        .filter((m) => Object.keys(m.labels ?? {}).length === width && m.labels?.le !== undefined)
        .map((m) => [m.labels!.le!, Number(m.value)]),
    );
  }
}

/** GETs a /metrics URL and parses it; asserts a 200 in Prometheus' text format. */
export async function scrape(url: string, headers: Record<string, string> = {}): Promise<Scraped> {
  const r = await fetch(url, { headers });
  const text = await r.text();
  assert.equal(r.status, 200, text);
  assert.match(r.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
  return new Scraped(text);
}
