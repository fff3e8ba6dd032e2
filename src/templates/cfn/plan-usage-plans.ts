import type { PlannedApiKey, PlannedUsagePlan } from "../template-plan.ts";
import { checkProperties, type PlanContext } from "./plan-context.ts";
import { bool, isRecord, list, num, str } from "./plan-values.ts";
import type { ResolvedResource } from "./resolve-template.ts";

const REST_API = "AWS::ApiGateway::RestApi";
const PERIODS = new Set(["DAY", "WEEK", "MONTH"]);

function limits(v: unknown): { burstLimit?: number; rateLimit?: number } | undefined {
  if (!isRecord(v)) return undefined;
  const out: { burstLimit?: number; rateLimit?: number } = {};
  const burst = num(v.BurstLimit);
  const rate = num(v.RateLimit);
  if (burst !== undefined) out.burstLimit = burst;
  if (rate !== undefined) out.rateLimit = rate;
  return out;
}

/** The logical id of the REST API `id` names, refused when it is none of the template's. */
function apiLogicalId(ctx: PlanContext, r: ResolvedResource, where: string, id: unknown): string {
  const api = ctx.find(REST_API, id);
  if (api === undefined)
    throw ctx.error(r, where, `names ${JSON.stringify(id)}, which is no ${REST_API} of this template`);
  return api.logicalId;
}

function apiKey(ctx: PlanContext, r: ResolvedResource): PlannedApiKey {
  checkProperties(ctx, r, ["Name", "Value", "Enabled", "StageKeys"], ["GenerateDistinctId", "CustomerId"]);
  const p = r.properties;
  const key: PlannedApiKey = {
    logicalId: r.logicalId,
    enabled: bool(p.Enabled) ?? true,
    stageKeys: list(p.StageKeys).map((s, i) => {
      const where = `Properties.StageKeys.${i}`;
      if (!isRecord(s) || str(s.StageName) === undefined)
        throw ctx.error(r, where, "a stage key is {RestApiId, StageName}");
      return {
        apiLogicalId: apiLogicalId(ctx, r, `${where}.RestApiId`, s.RestApiId),
        stage: str(s.StageName)!,
      };
    }),
  };
  const name = str(p.Name);
  if (name !== undefined) key.name = name;
  const description = str(p.Description);
  if (description !== undefined) key.description = description;
  const value = str(p.Value);
  if (value !== undefined) key.value = value;
  return key;
}

function usagePlan(ctx: PlanContext, r: ResolvedResource): PlannedUsagePlan {
  checkProperties(ctx, r, ["UsagePlanName", "ApiStages", "Throttle", "Quota"]);
  const p = r.properties;
  const plan: PlannedUsagePlan = {
    logicalId: r.logicalId,
    name: str(p.UsagePlanName) ?? r.logicalId,
    apiStages: list(p.ApiStages).map((s, i) => {
      const where = `Properties.ApiStages.${i}`;
      if (!isRecord(s) || str(s.Stage) === undefined)
        throw ctx.error(r, where, "an API stage is {ApiId, Stage}");
      const stage: PlannedUsagePlan["apiStages"][number] = {
        apiLogicalId: apiLogicalId(ctx, r, `${where}.ApiId`, s.ApiId),
        stage: str(s.Stage)!,
      };
      if (isRecord(s.Throttle))
        stage.throttle = Object.fromEntries(
          Object.entries(s.Throttle).map(([method, t]) => [method, limits(t) ?? {}]),
        );
      return stage;
    }),
    apiKeyLogicalIds: [],
  };
  const description = str(p.Description);
  if (description !== undefined) plan.description = description;
  const throttle = limits(p.Throttle);
  if (throttle !== undefined) plan.throttle = throttle;
  if (isRecord(p.Quota)) {
    const limit = num(p.Quota.Limit);
    const period = str(p.Quota.Period)?.toUpperCase();
    if (limit === undefined || period === undefined || !PERIODS.has(period))
      throw ctx.error(r, "Properties.Quota", "a quota is {Limit, Period: DAY, WEEK or MONTH}");
    plan.quota = { limit, period: period as "DAY" };
    const offset = num(p.Quota.Offset);
    if (offset !== undefined) plan.quota.offset = offset;
  }
  return plan;
}

/**
 * AWS::ApiGateway::ApiKey, UsagePlan and UsagePlanKey → the planned keys and plans, which name
 * APIs and keys by logical id (the ids the applier gives them are its own).
 */
export function planUsagePlans(ctx: PlanContext): {
  apiKeys: PlannedApiKey[];
  usagePlans: PlannedUsagePlan[];
} {
  const apiKeys = ctx.ofType("AWS::ApiGateway::ApiKey").map((r) => apiKey(ctx, r));
  const usagePlans = ctx.ofType("AWS::ApiGateway::UsagePlan").map((r) => usagePlan(ctx, r));
  for (const r of ctx.ofType("AWS::ApiGateway::UsagePlanKey")) {
    checkProperties(ctx, r, ["KeyId", "KeyType", "UsagePlanId"]);
    const type = str(r.properties.KeyType) ?? "API_KEY";
    if (type !== "API_KEY") throw ctx.error(r, "Properties.KeyType", "a usage plan key's KeyType is API_KEY");
    const key = ctx.target(r, "KeyId", "AWS::ApiGateway::ApiKey");
    const plan = ctx.target(r, "UsagePlanId", "AWS::ApiGateway::UsagePlan");
    const planned = usagePlans.find((u) => u.logicalId === plan.logicalId)!;
    if (!planned.apiKeyLogicalIds.includes(key.logicalId)) planned.apiKeyLogicalIds.push(key.logicalId);
  }
  return { apiKeys, usagePlans };
}
