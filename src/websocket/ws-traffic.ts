import type { KeyEntry } from "../auth/api-key-index.ts";
import { quotaPeriod, utcDay } from "../traffic/quota-period.ts";
import type { Admission, Bucket, QuotaCharge, TrafficBackend } from "../traffic/traffic-backend.ts";

/**
 * Throttling and quotas for a WebSocket route: the connection's API key's usage plan (when `$connect`
 * required a key), the route's stage throttle (`routeSettings`, else `defaultRouteSettings`), the
 * account's bucket. The same all-or-nothing question the REST and HTTP planes ask, once for the
 * `$connect` and once per message.
 */
export function admitWsTraffic(
  traffic: TrafficBackend | undefined,
  routeBuckets: readonly Bucket[],
  stageId: string,
  key: KeyEntry | undefined,
  nowMs: number,
): Admission | Promise<Admission> {
  if (traffic === undefined) return "admitted";
  let buckets = routeBuckets;
  let quota: QuotaCharge | undefined;
  const plan = key?.plans.get(stageId);
  if (plan !== undefined) {
    if (plan.bucket !== undefined) buckets = [plan.bucket, ...routeBuckets];
    if (plan.quota !== undefined) {
      const period = quotaPeriod(plan.quota, nowMs);
      quota = {
        subject: plan.subject,
        limit: plan.quota.limit,
        periodStartMs: period.startMs,
        periodEndMs: period.endMs,
        day: utcDay(nowMs),
      };
    }
  }
  if (buckets.length === 0 && quota === undefined) return "admitted";
  return traffic.admit(buckets, quota);
}

/** What the client is told when a message is refused for traffic (AWS's REST wording for the same refusals). */
export const refusalMessage = (admission: Exclude<Admission, "admitted">): string =>
  admission === "throttled" ? "Too Many Requests" : "Limit Exceeded";
