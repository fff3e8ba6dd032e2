import type { Bucket } from "./traffic-backend.ts";

interface BucketState {
  tokens: number;
  atMs: number;
  rate: number;
  burst: number;
}

/** Milliseconds from an arbitrary origin that never go backwards. */
export type MonotonicClock = () => number;

// The wall clock can be stepped (NTP, an operator, a VM resume); a bucket refilled by it would refuse
// every request until the clock caught up again. Elapsed time for refills comes from this instead.
const monotonic: MonotonicClock = () => performance.now();

/**
 * In-process token buckets. A decision is all or nothing across the request's buckets, so a request
 * refused by the account limit does not spend a token of its method's bucket.
 */
export class LocalBuckets {
  private readonly states = new Map<string, BucketState>();
  private readonly clock: MonotonicClock;
  private sweepAt = 0;

  constructor(clock: MonotonicClock = monotonic) {
    this.clock = clock;
  }

  take(buckets: readonly Bucket[]): boolean {
    const nowMs = this.clock();
    const n = buckets.length;
    // Refill first; refuse before spending anything.
    for (let i = 0; i < n; i++) {
      const b = buckets[i]!;
      let s = this.states.get(b.key);
      if (s === undefined) {
        s = { tokens: b.burst, atMs: nowMs, rate: b.rate, burst: b.burst };
        this.states.set(b.key, s);
      } else {
        // Limits may change with a redeploy; the bucket follows them.
        s.rate = b.rate;
        s.burst = b.burst;
        if (nowMs > s.atMs) {
          s.tokens = Math.min(b.burst, s.tokens + ((nowMs - s.atMs) * b.rate) / 1000);
          s.atMs = nowMs;
        } else if (s.tokens > b.burst) s.tokens = b.burst;
      }
      if (s.tokens < 1) return false;
    }
    for (let i = 0; i < n; i++) this.states.get(buckets[i]!.key)!.tokens -= 1;
    if (nowMs > this.sweepAt) this.sweep(nowMs);
    return true;
  }

  /** Forgets buckets that have refilled completely: a full bucket is the same as no bucket. */
  private sweep(nowMs: number): void {
    this.sweepAt = nowMs + 60_000;
    for (const [key, s] of this.states)
      if (s.tokens + ((nowMs - s.atMs) * s.rate) / 1000 >= s.burst) this.states.delete(key);
  }
}
