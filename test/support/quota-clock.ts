import { setTimeout as sleep } from "node:timers/promises";
import type { QuotaSettings } from "../../src/model/account.ts";
import { quotaPeriod, utcDay } from "../../src/traffic/quota-period.ts";

/**
 * Quota tests count requests within one quota period and read GetUsage for one day. Run across
 * the end of a period (midnight UTC for a DAY quota), the counts would start again halfway: so a
 * test that is about to start that close to the end waits until the next period has begun. Any
 * day, at any time, the test then runs wholly inside one period and one UTC day.
 */
export async function clearOfPeriodEnd(
  quota: Pick<QuotaSettings, "period" | "offset">,
  marginMs = 30_000,
): Promise<void> {
  const settings: QuotaSettings = { limit: 1, period: quota.period, offset: quota.offset };
  for (;;) {
    const now = Date.now();
    // A day always ends at a period's end or inside one, so the nearer of the two is the edge.
    const edge = Math.min(
      quotaPeriod(settings, now).endMs,
      quotaPeriod({ ...settings, period: "DAY" }, now).endMs,
    );
    if (edge - now > marginMs) return;
    await sleep(edge - now + 50);
  }
}

/** Today (UTC, `YYYY-MM-DD`) by the clock, as GetUsage's startDate and endDate want it. */
export const today = (): string => utcDay(Date.now());
