import type { ApiKey, QuotaSettings, ThrottleSettings, UsagePlan } from "../model/account.ts";

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
  readonly throttle?: ThrottleSettings;
  /** `/{resourcePath}/{METHOD}` → per-method throttle for this stage. */
  readonly methodThrottles: ReadonlyMap<string, ThrottleSettings>;
  readonly quota?: QuotaSettings;
}

export class ApiKeyIndex {
  private byValue: ReadonlyMap<string, KeyEntry> = new Map();

  rebuild(keys: readonly ApiKey[], plans: readonly UsagePlan[]): void {
    const next = new Map<string, KeyEntry>();
    for (const key of keys) {
      const covering = plans.filter((p) => p.keyIds.includes(key.id));
      const stagePlans = new Map<string, StagePlan>();
      for (const plan of covering) {
        for (const s of plan.apiStages) {
          stagePlans.set(`${s.apiId}/${s.stage}`, {
            planId: plan.id,
            throttle: plan.throttle,
            methodThrottles: new Map(Object.entries(s.throttle ?? {})),
            quota: plan.quota,
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
