import type { QuotaSettings } from "../model/account.ts";

const DAY_MS = 86_400_000;

/**
 * The quota period (UTC) containing `nowMs`, as AWS defines usage-plan quotas: DAY starts at
 * midnight; WEEK on the weekday `offset` (0 = Sunday); MONTH on day `offset + 1` of the month.
 */
export function quotaPeriod(quota: QuotaSettings, nowMs: number): { startMs: number; endMs: number } {
  const now = new Date(nowMs);
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const offset = quota.offset ?? 0;
  if (quota.period === "DAY") return { startMs: midnight, endMs: midnight + DAY_MS };
  if (quota.period === "WEEK") {
    const back = (now.getUTCDay() - offset + 7) % 7;
    const startMs = midnight - back * DAY_MS;
    return { startMs, endMs: startMs + 7 * DAY_MS };
  }
  let year = now.getUTCFullYear();
  let month = now.getUTCMonth();
  if (now.getUTCDate() < offset + 1) month -= 1;
  if (month < 0) {
    month = 11;
    year -= 1;
  }
  return { startMs: Date.UTC(year, month, offset + 1), endMs: Date.UTC(year, month + 1, offset + 1) };
}

/** `YYYY-MM-DD` of an instant, UTC. */
export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Every day from `from` to `to` inclusive (`YYYY-MM-DD`), at most `limit` of them. */
export function daysBetween(from: string, to: string, limit = 366): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); out.length < limit; t += DAY_MS) {
    const day = utcDay(t);
    if (day > to) break;
    out.push(day);
  }
  return out;
}
