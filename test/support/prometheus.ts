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

  constructor(text: string) {
    this.families = new Map(parsePrometheusTextFormat(text).map((f) => [f.name, f]));
  }

  family(name: string): ParsedFamily {
    const found = this.families.get(name);
    assert.ok(found !== undefined, `no metric family ${name}`);
    return found;
  }

  /** The samples of a family whose labels include `labels` (every one of them, exactly). */
  samples(name: string, labels: Record<string, string>): ParsedSample[] {
    return (this.families.get(name)?.metrics ?? []).filter((m) =>
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

  /** A histogram's observation count for exactly `labels`; 0 when the series does not exist. */
  count(name: string, labels: Record<string, string>): number {
    const sample = this.exact(name, labels);
    return sample?.count === undefined ? 0 : Number(sample.count);
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
