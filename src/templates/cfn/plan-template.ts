import type { FunctionConfig } from "../../config/schema.ts";
import type { PlannedApi, TemplatePlan } from "../template-plan.ts";
import { PlanContext, type PlanOptions } from "./plan-context.ts";
import { planHttpApi } from "./plan-http-api.ts";
import { planFunction } from "./plan-lambda.ts";
import { unsupportedResourceNotices } from "./plan-notices.ts";
import { planRestApis } from "./plan-rest-api.ts";
import { planUsagePlans } from "./plan-usage-plans.ts";
import { planWebSocketApi } from "./plan-websocket-api.ts";
import type { ResolvedTemplate } from "./resolved.ts";
import { str } from "./values.ts";

export type { PlanOptions } from "./plan-context.ts";

/**
 * A resolved CloudFormation template → what Portico runs: each API as an OpenAPI document (REST,
 * HTTP) or a WebSocket declaration, its stages, the functions by the names their ARNs carry, the
 * API keys and usage plans. What it does not carry over is a notice; what it cannot run, a
 * TemplateError naming the place.
 */
export function planFromCloudFormation(resolved: ResolvedTemplate, options: PlanOptions): TemplatePlan {
  const ctx = new PlanContext(resolved.resources, options);
  const functions: Record<string, FunctionConfig> = {};
  for (const r of ctx.ofType("AWS::Lambda::Function")) {
    const [name, config] = planFunction(ctx, r);
    functions[name] = config;
  }
  const apis: PlannedApi[] = planRestApis(ctx);
  for (const r of ctx.ofType("AWS::ApiGatewayV2::Api")) {
    const protocol = str(r.properties.ProtocolType)?.toUpperCase();
    if (protocol === "HTTP") apis.push(planHttpApi(ctx, r));
    else if (protocol === "WEBSOCKET") {
      const ws = planWebSocketApi(ctx, r);
      if (ws !== undefined) apis.push(ws);
    } else throw ctx.error(r, "Properties.ProtocolType", "ProtocolType is HTTP or WEBSOCKET");
  }
  const { apiKeys, usagePlans } = planUsagePlans(ctx);
  unsupportedResourceNotices(ctx);
  return { functions, apis, apiKeys, usagePlans, warnings: [...resolved.notices, ...ctx.notices] };
}
