import type { ApiKey, QuotaSettings, ThrottleSettings, UsagePlan } from "../model/account.ts";
import type { Bucket } from "../traffic/traffic-backend.ts";

/**
 * API keys as the data plane checks them: key value → key id, enabled flag and the `{apiId}/{stage}`
 * pairs its usage plans cover. Rebuilt off the hot path whenever keys or plans change, and swapped in
 * with one assignment.
 */
export interface KeyEntry {
  readonly id: string;
  readonly enabled: boolean;
  readonly stages: ReadonlySet<string>;
  readonly usagePlanIds: readonly string[];
  /** `{apiId}/{stage}` → the one usage plan of this key covering that stage (AWS allows only one). */
  readonly plans: ReadonlyMap<string, StagePlan>;
}

/** What a usage plan imposes on one key at one API stage. */
export interface StagePlan {
  readonly planId: string;
  /** The plan's throttle for this key (one bucket across the plan's stages). */
  readonly bucket?: Bucket;
  /** `/{resourcePath}/{METHOD}` → this key's per-method bucket at this stage. */
  readonly methodBuckets: ReadonlyMap<string, Bucket>;
  readonly quota?: QuotaSettings;
  /** `{planId}/{keyId}`: what the quota and GetUsage count under. */
  readonly subject: string;
}

const finite = (n: unknown): n is number => typeof n === "number" && Number.isFinite(n);

/** A usage plan throttle as a token bucket; a missing burst is the rate rounded up. */
function planBucket(key: string, t: ThrottleSettings | undefined): Bucket | undefined {
  if (t === undefined || !finite(t.rateLimit)) return undefined;
  return { key, rate: t.rateLimit, burst: finite(t.burstLimit) ? t.burstLimit : Math.ceil(t.rateLimit) };
}

export class ApiKeyIndex {
  private byValue: ReadonlyMap<string, KeyEntry> = new Map();

  rebuild(keys: readonly ApiKey[], plans: readonly UsagePlan[]): void {
    const next = new Map<string, KeyEntry>();
    for (const key of keys) {
      const covering = plans.filter((p) => p.keyIds.includes(key.id));
      const stagePlans = new Map<string, StagePlan>();
      for (const plan of covering) {
        // Buckets are built here, once per change of keys or plans, not per request.
        const bucket = planBucket(`k:${plan.id}:${key.id}`, plan.throttle);
        for (const s of plan.apiStages) {
          const stageId = `${s.apiId}/${s.stage}`;
          const methodBuckets = new Map<string, Bucket>();
          for (const [method, t] of Object.entries(s.throttle ?? {})) {
            const b = planBucket(`k:${plan.id}:${key.id}:${stageId}:${method}`, t);
            if (b !== undefined) methodBuckets.set(method, b);
          }
          stagePlans.set(stageId, {
            planId: plan.id,
            bucket,
            methodBuckets,
            quota: plan.quota,
            subject: `${plan.id}/${key.id}`,
          });
        }
      }
      next.set(key.value, {
        id: key.id,
        enabled: key.enabled,
        stages: new Set(stagePlans.keys()),
        usagePlanIds: covering.map((p) => p.id),
        plans: stagePlans,
      });
    }
    this.byValue = next;
  }

  /** The key for a value if it may call this API stage (exists, enabled, in a plan for the stage). */
  authorize(value: string | undefined, apiId: string, stage: string): KeyEntry | undefined {
    if (value === undefined) return undefined;
    const entry = this.byValue.get(value);
    if (entry === undefined || !entry.enabled || !entry.stages.has(`${apiId}/${stage}`)) return undefined;
    return entry;
  }
}
