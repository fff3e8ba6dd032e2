import { LocalBuckets } from "./local-buckets.ts";
import { LocalResponseCache } from "./local-response-cache.ts";
import type { Admission, Bucket, QuotaCharge, TrafficBackend } from "./traffic-backend.ts";

const USAGE_DAYS_KEPT = 95;

/** Embedded traffic state: everything in this process, nothing else needed. */
export class LocalTraffic implements TrafficBackend {
  private readonly buckets = new LocalBuckets();
  /** `{subject}@{periodStartMs}` → requests counted in the period. */
  private readonly periods = new Map<string, number>();
  /** `{subject}@{day}` → requests counted that day. */
  private readonly days = new Map<string, number>();
  private pruneAt = 0;
  readonly cache = new LocalResponseCache();

  admit(buckets: readonly Bucket[], quota: QuotaCharge | undefined): Admission {
    const now = Date.now();
    if (quota !== undefined) {
      const periodKey = `${quota.subject}@${quota.periodStartMs}`;
      const used = this.periods.get(periodKey) ?? 0;
      if (used >= quota.limit) return "quota-exceeded";
      if (!this.buckets.take(buckets, now)) return "throttled";
      this.periods.set(periodKey, used + 1);
      const dayKey = `${quota.subject}@${quota.day}`;
      this.days.set(dayKey, (this.days.get(dayKey) ?? 0) + 1);
      if (now > this.pruneAt) this.prune(now);
      return "admitted";
    }
    return this.buckets.take(buckets, now) ? "admitted" : "throttled";
  }

  async dailyUsage(subject: string, days: readonly string[]): Promise<number[]> {
    return days.map((d) => this.days.get(`${subject}@${d}`) ?? 0);
  }

  async periodUsage(subject: string, periodStartMs: number): Promise<number> {
    return this.periods.get(`${subject}@${periodStartMs}`) ?? 0;
  }

  private prune(now: number): void {
    this.pruneAt = now + 3_600_000;
    const oldestDay = new Date(now - USAGE_DAYS_KEPT * 86_400_000).toISOString().slice(0, 10);
    for (const key of this.days.keys())
      if (key.slice(key.lastIndexOf("@") + 1) < oldestDay) this.days.delete(key);
    const oldestPeriod = now - 32 * 86_400_000;
    for (const key of this.periods.keys())
      if (Number(key.slice(key.lastIndexOf("@") + 1)) < oldestPeriod) this.periods.delete(key);
  }

  async close(): Promise<void> {}
}
