import {
  isMapping,
  listOf,
  type Mapping,
  optionalBoolean,
  optionalMapping,
  optionalNumber,
  optionalString,
  type Place,
  type ReadContext,
} from "./shape.ts";

export const REST_API_ID = "ApiGatewayRestApi";
export const REST_DEPLOYMENT_ID = "ApiGatewayDeployment";

const upperFirst = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

function quotaAndThrottle(plan: Mapping, at: Place): Mapping {
  const out: Mapping = {};
  const quota = optionalMapping(plan.quota, at.key("quota"));
  if (quota !== undefined) {
    const q: Mapping = { Limit: optionalNumber(quota.limit, at.key("quota").key("limit")) };
    const offset = optionalNumber(quota.offset, at.key("quota").key("offset"));
    if (offset !== undefined) q.Offset = offset;
    q.Period = optionalString(quota.period, at.key("quota").key("period"))?.toUpperCase();
    out.Quota = q;
  }
  const throttle = optionalMapping(plan.throttle, at.key("throttle"));
  if (throttle !== undefined) {
    const t: Mapping = {};
    const burst = optionalNumber(throttle.burstLimit, at.key("throttle").key("burstLimit"));
    const rate = optionalNumber(throttle.rateLimit, at.key("throttle").key("rateLimit"));
    if (burst !== undefined) t.BurstLimit = burst;
    if (rate !== undefined) t.RateLimit = rate;
    out.Throttle = t;
  }
  return out;
}

function apiKeyResource(ctx: ReadContext, key: unknown, at: Place): Mapping {
  const properties: Mapping = {
    Enabled: true,
    StageKeys: [{ RestApiId: { Ref: REST_API_ID }, StageName: ctx.stage }],
  };
  if (typeof key === "string") properties.Name = key;
  else if (isMapping(key)) {
    for (const [from, to] of [
      ["name", "Name"],
      ["value", "Value"],
      ["description", "Description"],
      ["customerId", "CustomerId"],
    ] as const) {
      const v = optionalString(key[from], at.key(from));
      if (v !== undefined) properties[to] = v;
    }
    properties.Enabled = optionalBoolean(key.enabled, at.key("enabled")) ?? true;
  } else throw at.error("an API key is a name or a mapping (name, value, description, enabled)");
  return { Type: "AWS::ApiGateway::ApiKey", DependsOn: REST_DEPLOYMENT_ID, Properties: properties };
}

function usagePlanResource(ctx: ReadContext, name: string | undefined, plan: Mapping, at: Place): Mapping {
  return {
    Type: "AWS::ApiGateway::UsagePlan",
    DependsOn: REST_DEPLOYMENT_ID,
    Properties: {
      ApiStages: [{ ApiId: { Ref: REST_API_ID }, Stage: ctx.stage }],
      Description:
        name === undefined
          ? `Usage plan for ${ctx.service} ${ctx.stage} stage`
          : `Usage plan "${name}" for ${ctx.service} ${ctx.stage} stage`,
      UsagePlanName:
        name === undefined ? `${ctx.service}-${ctx.stage}` : `${ctx.service}-${name}-${ctx.stage}`,
      ...quotaAndThrottle(plan, at),
    },
  };
}

const planKey = (keyId: string, planId: string): Mapping => ({
  Type: "AWS::ApiGateway::UsagePlanKey",
  Properties: { KeyId: { Ref: keyId }, KeyType: "API_KEY", UsagePlanId: { Ref: planId } },
});

/**
 * `provider.apiGateway.apiKeys` and `usagePlan` as the framework deploys them: each key on the
 * stage; one usage plan (`{service}-{stage}`) for a single plan, or one per named plan with its
 * keys listed under the plan's name; each key joined to its plan.
 */
export function compileApiKeys(ctx: ReadContext, apiGateway: Mapping, at: Place): void {
  const keys = listOf(apiGateway.apiKeys ?? ctx.provider.apiKeys);
  const plan = apiGateway.usagePlan ?? ctx.provider.usagePlan;
  if (keys.length === 0 && plan === undefined) return;
  const keysAt = at.key("apiKeys");
  const planAt = at.key("usagePlan");
  const named = new Set<string>();
  if (Array.isArray(plan)) {
    plan.forEach((entry, i) => {
      const [name, spec] = isMapping(entry) ? (Object.entries(entry)[0] ?? []) : [];
      if (typeof name !== "string")
        throw planAt.index(i).error("a named usage plan is { name: { quota, throttle } }");
      const id = `ApiGatewayUsagePlan${upperFirst(name)}`;
      ctx.resources[id] = usagePlanResource(
        ctx,
        name,
        isMapping(spec) ? spec : {},
        planAt.index(i).key(name),
      );
      named.add(name);
    });
  } else {
    const spec = optionalMapping(plan, planAt) ?? {};
    ctx.resources.ApiGatewayUsagePlan = usagePlanResource(ctx, undefined, spec, planAt);
  }
  let number = 0;
  keys.forEach((key, i) => {
    const group = isMapping(key) ? Object.entries(key)[0] : undefined;
    if (group !== undefined && named.has(group[0]) && Array.isArray(group[1])) {
      const [name, members] = group;
      members.forEach((member, j) => {
        const keyId = `ApiGatewayApiKey${upperFirst(name)}${j + 1}`;
        ctx.resources[keyId] = apiKeyResource(ctx, member, keysAt.index(i).key(name).index(j));
        ctx.resources[`ApiGatewayUsagePlanKey${upperFirst(name)}${j + 1}`] = planKey(
          keyId,
          `ApiGatewayUsagePlan${upperFirst(name)}`,
        );
      });
      return;
    }
    if (named.size > 0 && group !== undefined && Array.isArray(group[1]))
      throw keysAt.index(i).error(`API key group ${group[0]} has no usage plan of that name`);
    if (named.size > 0)
      throw keysAt.index(i).error("with several usage plans, list each key under its plan's name");
    number += 1;
    const keyId = `ApiGatewayApiKey${number}`;
    ctx.resources[keyId] = apiKeyResource(ctx, key, keysAt.index(i));
    ctx.resources[`ApiGatewayUsagePlanKey${number}`] = planKey(keyId, "ApiGatewayUsagePlan");
  });
}
