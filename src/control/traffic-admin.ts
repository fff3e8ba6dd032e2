import type { UsagePlan } from "../model/account.ts";
import { daysBetween, quotaPeriod } from "../traffic/quota-period.ts";
import type { TrafficBackend } from "../traffic/traffic-backend.ts";
import { badRequest, notFound } from "./errors.ts";

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** GetUsage's answer: per key, one `[used, remaining]` pair per day of the range. */
export interface UsageReport {
  usagePlanId: string;
  startDate: string;
  endDate: string;
  items: Record<string, [number, number][]>;
}

/**
 * UpdateUsage: `replace /remaining` sets what is left of the key's quota in the current period (AWS's
 * "temporary extension").
 */
export async function updateUsage(
  traffic: TrafficBackend,
  plan: UsagePlan,
  keyId: string,
  ops: readonly { op: string; path: string; value?: string }[],
): Promise<UsageReport> {
  if (!plan.keyIds.includes(keyId)) throw notFound("Invalid API Key identifier specified");
  if (plan.quota === undefined) throw badRequest("The usage plan has no quota to update");
  for (const op of ops) {
    if (op.op !== "replace" || op.path !== "/remaining")
      throw badRequest(`Invalid patch operation specified. Must be 'replace' of '/remaining'`);
    const remaining = Number(op.value);
    if (!Number.isInteger(remaining) || remaining < 0)
      throw badRequest(`Invalid remaining value ${op.value}: a whole number of at least 0`);
    const period = quotaPeriod(plan.quota, Date.now());
    await traffic.setPeriodUsage(
      `${plan.id}/${keyId}`,
      period.startMs,
      period.endMs,
      Math.max(0, plan.quota.limit - remaining),
    );
  }
  const today = new Date().toISOString().slice(0, 10);
  return usageReport(traffic, plan, today, today, keyId);
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
  const current = plan.quota ? quotaPeriod(plan.quota, Date.now()) : undefined;
  for (const key of keys) {
    const subject = `${plan.id}/${key}`;
    const counts = await traffic.dailyUsage(subject, lookback);
    const byDay = new Map(lookback.map((d, i) => [d, counts[i]!]));
    // The current period's counter is the quota's truth (UpdateUsage changes it, not the days).
    let adjustment = 0;
    if (current !== undefined) {
      let counted = 0;
      for (const [d, n] of byDay) if (Date.parse(`${d}T00:00:00Z`) >= current.startMs) counted += n;
      adjustment = (await traffic.periodUsage(subject, current.startMs)) - counted;
    }
    items[key] = days.map((day) => {
      const used = byDay.get(day) ?? 0;
      if (plan.quota === undefined) return [used, 0];
      const period = quotaPeriod(plan.quota, Date.parse(`${day}T00:00:00Z`));
      let inPeriod = period.startMs === current?.startMs ? adjustment : 0;
      for (const [d, n] of byDay) {
        const t = Date.parse(`${d}T00:00:00Z`);
        if (t >= period.startMs && d <= day) inPeriod += n;
      }
      return [used, Math.max(0, plan.quota.limit - inPeriod)];
    });
  }
  return { usagePlanId: plan.id, startDate, endDate, items };
}
