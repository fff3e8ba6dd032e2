import type { ApiKey, UsagePlan } from "../model/account.ts";

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
}

export class ApiKeyIndex {
  private byValue: ReadonlyMap<string, KeyEntry> = new Map();

  rebuild(keys: readonly ApiKey[], plans: readonly UsagePlan[]): void {
    const next = new Map<string, KeyEntry>();
    for (const key of keys) {
      const covering = plans.filter((p) => p.keyIds.includes(key.id));
      next.set(key.value, {
        id: key.id,
        enabled: key.enabled,
        stages: new Set(covering.flatMap((p) => p.apiStages.map((s) => `${s.apiId}/${s.stage}`))),
        usagePlanIds: covering.map((p) => p.id),
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
