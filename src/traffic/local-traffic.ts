import type { Store, WriteOp } from "../state/store.ts";
import { LocalBuckets, type MonotonicClock } from "./local-buckets.ts";
import { LocalResponseCache } from "./local-response-cache.ts";
import type { Admission, Bucket, QuotaCharge, TrafficBackend } from "./traffic-backend.ts";

const USAGE_DAYS_KEPT = 95;
const SAVE_EVERY_MS = 2000;

/**
 * Embedded traffic state: everything in this process, nothing else needed. Usage counts (quotas,
 * GetUsage) are saved to the store every two seconds and at shutdown, so with `--data-dir` they
 * survive a restart, as AWS's do.
 */
export class LocalTraffic implements TrafficBackend {
  private store: Store | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Counter keys (`period/…`, `day/…`) changed or dropped since the last save. */
  private readonly dirty = new Set<string>();
  private readonly buckets: LocalBuckets;
  private readonly wallClock: () => number;
  /** `{subject}@{periodStartMs}` → requests counted in the period. */
  private readonly periods = new Map<string, number>();
  /** `{subject}@{day}` → requests counted that day. */
  private readonly days = new Map<string, number>();
  private pruneAt = 0;
  readonly cache = new LocalResponseCache();

  /**
   * `clock` times the token buckets' refills (monotonic); `wallClock` only dates the usage counts
   * kept for GetUsage, so stepping the system clock never throttles a route.
   */
  constructor(options: { clock?: MonotonicClock; wallClock?: () => number } = {}) {
    this.buckets = new LocalBuckets(options.clock);
    this.wallClock = options.wallClock ?? (() => Date.now());
  }

  admit(buckets: readonly Bucket[], quota: QuotaCharge | undefined): Admission {
    if (quota !== undefined) {
      const periodKey = `${quota.subject}@${quota.periodStartMs}`;
      const used = this.periods.get(periodKey) ?? 0;
      if (used >= quota.limit) return "quota-exceeded";
      if (!this.buckets.take(buckets)) return "throttled";
      this.periods.set(periodKey, used + 1);
      const dayKey = `${quota.subject}@${quota.day}`;
      this.days.set(dayKey, (this.days.get(dayKey) ?? 0) + 1);
      if (this.store !== undefined) {
        this.dirty.add(`period/${periodKey}`);
        this.dirty.add(`day/${dayKey}`);
      }
      const now = this.wallClock();
      // Also after the clock was stepped back past the last prune, or pruning would wait that long.
      if (now > this.pruneAt || now < this.pruneAt - 3_600_000) this.prune(now);
      return "admitted";
    }
    return this.buckets.take(buckets) ? "admitted" : "throttled";
  }

  async dailyUsage(subject: string, days: readonly string[]): Promise<number[]> {
    return days.map((d) => this.days.get(`${subject}@${d}`) ?? 0);
  }

  async setPeriodUsage(subject: string, periodStartMs: number, _end: number, used: number): Promise<void> {
    const key = `${subject}@${periodStartMs}`;
    this.periods.set(key, used);
    if (this.store !== undefined) this.dirty.add(`period/${key}`);
  }

  async periodUsage(subject: string, periodStartMs: number): Promise<number> {
    return this.periods.get(`${subject}@${periodStartMs}`) ?? 0;
  }

  private prune(now: number): void {
    this.pruneAt = now + 3_600_000;
    const oldestDay = new Date(now - USAGE_DAYS_KEPT * 86_400_000).toISOString().slice(0, 10);
    for (const key of this.days.keys()) {
      if (key.slice(key.lastIndexOf("@") + 1) >= oldestDay) continue;
      this.days.delete(key);
      this.dirty.add(`day/${key}`);
    }
    const oldestPeriod = now - 32 * 86_400_000;
    for (const key of this.periods.keys()) {
      if (Number(key.slice(key.lastIndexOf("@") + 1)) >= oldestPeriod) continue;
      this.periods.delete(key);
      this.dirty.add(`period/${key}`);
    }
  }

  /** Loads the saved usage counts and keeps saving them. */
  async persistTo(store: Store): Promise<void> {
    for (const { key, value } of await store.list("usage")) {
      if (typeof value !== "number") continue;
      if (key.startsWith("period/")) this.periods.set(key.slice(7), value);
      else if (key.startsWith("day/")) this.days.set(key.slice(4), value);
    }
    this.store = store;
    this.timer = setInterval(() => void this.save(), SAVE_EVERY_MS);
    this.timer.unref();
  }

  private async save(): Promise<void> {
    if (this.store === undefined || this.dirty.size === 0) return;
    const ops: WriteOp[] = [];
    for (const key of this.dirty) {
      const map = key.startsWith("period/") ? this.periods : this.days;
      const value = map.get(key.slice(key.indexOf("/") + 1));
      ops.push(
        value === undefined
          ? { op: "delete", collection: "usage", key }
          : { op: "put", collection: "usage", key, value },
      );
    }
    this.dirty.clear();
    try {
      await this.store.commit(ops);
    } catch {
      // Kept for the next save.
      for (const op of ops) this.dirty.add(op.key);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.save();
    this.store = undefined;
  }
}
