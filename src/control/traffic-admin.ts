import type { UsagePlan } from "../model/account.ts";
import { daysBetween, quotaPeriod } from "../traffic/quota-period.ts";
import type { TrafficBackend } from "../traffic/traffic-backend.ts";
import { badRequest } from "./errors.ts";

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** GetUsage's answer: per key, one `[used, remaining]` pair per day of the range. */
export interface UsageReport {
  usagePlanId: string;
  startDate: string;
  endDate: string;
  items: Record<string, [number, number][]>;
}

/**
 * GetUsage: requests counted per key and day, and what was left of the quota at the end of each day
 * (the quota period's count so far subtracted from its limit; 0 when the plan has no quota).
 */
export async function usageReport(
  traffic: TrafficBackend,
  plan: UsagePlan,
  startDate: string | null,
  endDate: string | null,
  keyId: string | null,
): Promise<UsageReport> {
  if (startDate === null || !DAY.test(startDate) || Number.isNaN(Date.parse(startDate)))
    throw badRequest("Invalid startDate: a date in the form YYYY-MM-DD is required");
  if (endDate === null || !DAY.test(endDate) || Number.isNaN(Date.parse(endDate)))
    throw badRequest("Invalid endDate: a date in the form YYYY-MM-DD is required");
  if (endDate < startDate) throw badRequest("The endDate must not be before the startDate");
  const days = daysBetween(startDate, endDate, 90);
  const keys = keyId === null ? plan.keyIds : plan.keyIds.filter((k) => k === keyId);
  const items: Record<string, [number, number][]> = {};
  const firstPeriod = plan.quota ? quotaPeriod(plan.quota, Date.parse(`${startDate}T00:00:00Z`)) : undefined;
  const lookback = firstPeriod
    ? daysBetween(new Date(firstPeriod.startMs).toISOString().slice(0, 10), endDate, 130)
    : days;
  for (const key of keys) {
    const subject = `${plan.id}/${key}`;
    const counts = await traffic.dailyUsage(subject, lookback);
    const byDay = new Map(lookback.map((d, i) => [d, counts[i]!]));
    items[key] = days.map((day) => {
      const used = byDay.get(day) ?? 0;
      if (plan.quota === undefined) return [used, 0];
      const period = quotaPeriod(plan.quota, Date.parse(`${day}T00:00:00Z`));
      let inPeriod = 0;
      for (const [d, n] of byDay) {
        const t = Date.parse(`${d}T00:00:00Z`);
        if (t >= period.startMs && d <= day) inPeriod += n;
      }
      return [used, Math.max(0, plan.quota.limit - inPeriod)];
    });
  }
  return { usagePlanId: plan.id, startDate, endDate, items };
}
