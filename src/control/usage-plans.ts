import type { QuotaSettings, UsagePlan, UsagePlanApiStage } from "../model/account.ts";
import { newApiId } from "../model/ids.ts";
import { badRequest } from "./errors.ts";
import {
  asInteger,
  asNumber,
  invalidPath,
  type PatchOperation,
  pointer,
  requireValue,
} from "./patch-operations.ts";
import {
  checkPlanThrottles,
  methodThrottles,
  patchStageThrottle,
  throttleSettings,
} from "./usage-plan-throttles.ts";

/** Usage plans: creation and patching with AWS's rules (UpdateUsagePlan's paths). */

function quota(value: unknown): QuotaSettings | undefined {
  if (value === undefined || value === null) return undefined;
  const q = value as { limit?: unknown; offset?: unknown; period?: unknown };
  if (!Number.isInteger(q.limit) || (q.limit as number) < 0) throw badRequest("Invalid quota limit");
  if (q.period !== "DAY" && q.period !== "WEEK" && q.period !== "MONTH")
    throw badRequest("Invalid quota period. Valid values are DAY, WEEK, MONTH");
  const out: QuotaSettings = { limit: q.limit as number, period: q.period };
  if (q.offset !== undefined) out.offset = Number(q.offset);
  return out;
}

export function newUsagePlan(body: Record<string, unknown>): UsagePlan {
  if (typeof body.name !== "string" || body.name === "")
    throw badRequest("Usage plan name must be specified");
  if (body.apiStages !== undefined && body.apiStages !== null && !Array.isArray(body.apiStages))
    throw badRequest("Invalid apiStages: expected a list");
  const apiStages = Array.isArray(body.apiStages)
    ? body.apiStages.map((s): UsagePlanApiStage => {
        const {
          apiId,
          stage,
          throttle: t,
        } = (s ?? {}) as { apiId?: unknown; stage?: unknown; throttle?: unknown };
        if (typeof apiId !== "string" || typeof stage !== "string")
          throw badRequest("Invalid API stage: apiId and stage are required");
        const out: UsagePlanApiStage = { apiId, stage };
        const perMethod = methodThrottles(t);
        if (perMethod !== undefined) out.throttle = perMethod;
        return out;
      })
    : [];
  const plan: UsagePlan = { id: newApiId().slice(0, 6), name: body.name, apiStages, keyIds: [] };
  if (typeof body.description === "string") plan.description = body.description;
  const t = throttleSettings(body.throttle);
  if (t) plan.throttle = t;
  const q = quota(body.quota);
  if (q) plan.quota = q;
  if (typeof body.tags === "object" && body.tags !== null) plan.tags = body.tags as Record<string, string>;
  checkPlanThrottles(plan);
  return plan;
}

/** UpdateUsagePlan: every operation, then the plan-wide rules; a refusal leaves `plan` half-changed, so callers patch a copy. */
export function patchUsagePlan(plan: UsagePlan, ops: readonly PatchOperation[]): void {
  for (const op of ops) {
    const [field, ...rest] = pointer(op.path);
    const sub = rest.join("/");
    if ((field === "name" || field === "description") && rest.length === 0) {
      if (op.op !== "replace" && op.op !== "add") throw invalidPath(op);
      plan[field] = requireValue(op);
    } else if (field === "throttle" && rest.length === 0 && op.op === "remove") delete plan.throttle;
    else if (field === "throttle" && (sub === "burstLimit" || sub === "rateLimit")) {
      plan.throttle ??= {};
      if (op.op === "remove") delete plan.throttle[sub];
      else if (sub === "burstLimit") plan.throttle.burstLimit = asInteger(op, 0, 2_147_483_647);
      else plan.throttle.rateLimit = asNumber(op, 0);
    } else if (field === "quota" && rest.length === 0 && op.op === "remove") delete plan.quota;
    else if (field === "quota" && (sub === "limit" || sub === "offset" || sub === "period")) {
      plan.quota ??= { limit: 0, period: "DAY" };
      if (sub === "period") {
        const p = requireValue(op);
        if (p !== "DAY" && p !== "WEEK" && p !== "MONTH")
          throw badRequest("Invalid quota period. Valid values are DAY, WEEK, MONTH");
        plan.quota.period = p;
      } else plan.quota[sub] = asInteger(op, 0, Number.MAX_SAFE_INTEGER);
    } else if (field === "apiStages" && rest.length === 0) {
      const [apiId, stage, extra] = requireValue(op).split(":");
      if (!apiId || !stage || extra !== undefined)
        throw badRequest("Invalid API stage: expected apiId:stage");
      if (op.op === "add") {
        if (!plan.apiStages.some((s) => s.apiId === apiId && s.stage === stage))
          plan.apiStages.push({ apiId, stage });
      } else if (op.op === "remove")
        plan.apiStages = plan.apiStages.filter((s) => !(s.apiId === apiId && s.stage === stage));
      else throw invalidPath(op);
    } else if (field === "apiStages") patchStageThrottle(plan, rest, op);
    else throw invalidPath(op);
  }
  if (plan.throttle !== undefined && Object.keys(plan.throttle).length === 0) delete plan.throttle;
  checkPlanThrottles(plan);
}
