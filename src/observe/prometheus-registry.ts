import { Counter, collectDefaultMetrics, Gauge, Registry } from "prom-client";
import { SeriesCounter, SeriesHistogram } from "./series-accumulators.ts";

/**
 * Bucket bounds (ms) for AWS's Latency and IntegrationLatency: from 1 ms (a MOCK, a cache hit) to
 * 30 s, just past the 29 s integration timeout, so a timed-out request still lands in a bucket.
 */
export const LATENCY_BUCKETS_MS = [
  1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 20_000, 30_000,
] as const;

/**
 * One gateway's metrics: a prom-client registry (which writes the exposition format), with Node's
 * process metrics (CPU, memory, event-loop lag) beside the gateway's own. Each gateway has its own, so
 * two in one process (tests) never share a series.
 */
export class MetricsRegistry {
  readonly registry = new Registry();

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** A counter of label sets made once and reused (series-labels.ts): counted by identity. */
  counter(name: string, help: string, labelNames: readonly string[]): SeriesCounter {
    return new SeriesCounter(this.registry, name, help, labelNames);
  }

  gauge<L extends string>(name: string, help: string, labelNames: readonly L[]): Gauge<L> {
    return new Gauge({ name, help, labelNames, registers: [this.registry] });
  }

  /** A latency histogram in milliseconds (AWS's unit for Latency and IntegrationLatency). */
  latency(name: string, help: string, labelNames: readonly string[]): SeriesHistogram {
    return new SeriesHistogram(this.registry, name, help, labelNames, LATENCY_BUCKETS_MS);
  }

  /** A counter whose value is read when scraped (a count kept elsewhere). */
  countedElsewhere(name: string, help: string, read: () => number): void {
    new Counter({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text. */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}
