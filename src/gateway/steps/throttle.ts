import { quotaPeriod, utcDay } from "../../traffic/quota-period.ts";
import type { Admission, QuotaCharge } from "../../traffic/traffic-backend.ts";
import { type TrafficRefusalMessage, trafficRefusals } from "../channels.ts";
import type { RequestContext, Step } from "../context.ts";
import type { GatewayResponse } from "../responses/catalogue.ts";

/**
 * Throttling and quotas, in AWS's order of specificity: the API key's usage plan (its per-method
 * throttle for this stage, else the plan's), the stage's method (or default) limit, the account
 * limit. Every applicable bucket must have a token; a quota that is used up refuses first.
 */
export function admitTraffic(
  ctx: RequestContext,
): GatewayResponse | undefined | Promise<GatewayResponse | undefined> {
  const { stage, route } = ctx;
  const traffic = stage.traffic;
  if (traffic === undefined) return undefined;
  // The stage's and the account's buckets were put together when the route was compiled.
  let buckets = route.buckets;
  let quota: QuotaCharge | undefined;
  const key = ctx.apiKey;
  if (key !== undefined) {
    const plan = key.plans.get(`${stage.apiId}/${stage.stageName}`);
    if (plan !== undefined) {
      const bucket =
        plan.methodBuckets.size === 0
          ? plan.bucket
          : (plan.methodBuckets.get(`${route.resourcePath}/${route.httpMethod}`) ?? plan.bucket);
      if (bucket !== undefined) buckets = [bucket, ...route.buckets];
      if (plan.quota !== undefined) {
        const period = quotaPeriod(plan.quota, ctx.startMs);
        quota = {
          subject: plan.subject,
          limit: plan.quota.limit,
          periodStartMs: period.startMs,
          periodEndMs: period.endMs,
          day: utcDay(ctx.startMs),
        };
      }
    }
  }
  if (buckets.length === 0 && quota === undefined) return undefined;
  const admission = traffic.admit(buckets, quota);
  return typeof admission === "string" ? refusal(ctx, admission) : admission.then((a) => refusal(ctx, a));
}

function refusal(ctx: RequestContext, admission: Admission): GatewayResponse | undefined {
  if (admission === "admitted") return undefined;
  const throttled = admission === "throttled";
  if (trafficRefusals.hasSubscribers)
    trafficRefusals.publish({
      ctx,
      type: throttled ? "THROTTLED" : "QUOTA_EXCEEDED",
    } satisfies TrafficRefusalMessage);
  return throttled ? ctx.stage.responses.THROTTLED : ctx.stage.responses.QUOTA_EXCEEDED;
}

export const throttleStep: Step = { name: "throttle", run: (ctx) => admitTraffic(ctx) };
