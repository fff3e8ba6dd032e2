import type { FunctionConfig } from "../../config/schema.ts";
import type { PlannedApi, TemplatePlan } from "../template-plan.ts";
import { PlanContext, type PlanOptions } from "./plan-context.ts";
import { planDomains } from "./plan-domains.ts";
import { planHttpApi } from "./plan-http-api.ts";
import { planFunction } from "./plan-lambda.ts";
import { unsupportedResourceNotices } from "./plan-notices.ts";
import { planRestApis } from "./plan-rest-api.ts";
import { planUsagePlans } from "./plan-usage-plans.ts";
import { str } from "./plan-values.ts";
import { planWebSocketApi } from "./plan-websocket-api.ts";
import type { ResolvedTemplate } from "./resolve-template.ts";

export type { PlanOptions } from "./plan-context.ts";

const REST: [string, string] = ["RestApiId", "AWS::ApiGateway::RestApi"];
const V2: [string, string] = ["ApiId", "AWS::ApiGatewayV2::Api"];
/** The property naming each part's API. */
const OWNER: Record<string, [string, string]> = {
  "AWS::ApiGateway::Resource": REST,
  "AWS::ApiGateway::Method": REST,
  "AWS::ApiGateway::Authorizer": REST,
  "AWS::ApiGateway::RequestValidator": REST,
  "AWS::ApiGateway::Model": REST,
  "AWS::ApiGateway::GatewayResponse": REST,
  "AWS::ApiGateway::Deployment": REST,
  "AWS::ApiGateway::Stage": REST,
  "AWS::ApiGatewayV2::Route": V2,
  "AWS::ApiGatewayV2::Integration": V2,
  "AWS::ApiGatewayV2::Authorizer": V2,
  "AWS::ApiGatewayV2::Stage": V2,
  "AWS::ApiGatewayV2::Model": V2,
  "AWS::ApiGatewayV2::RouteResponse": V2,
  "AWS::ApiGatewayV2::IntegrationResponse": V2,
  "AWS::ApiGatewayV2::Deployment": V2,
};

/**
 * A resolved CloudFormation template → what Portico runs: each API as an OpenAPI document (REST,
 * HTTP) or a WebSocket declaration, its stages, the functions by the names their ARNs carry, the
 * API keys and usage plans. What it does not carry over is a notice; what it cannot run, a
 * TemplateError naming the place.
 */
export function planFromCloudFormation(resolved: ResolvedTemplate, options: PlanOptions): TemplatePlan {
  const ctx = new PlanContext(resolved.resources, options);
  // A part whose API is not in the template is refused even when the template has no API at all.
  for (const r of ctx.resources) {
    const owner = OWNER[r.type];
    if (owner !== undefined) ctx.target(r, owner[0], owner[1]);
  }
  const functions: Record<string, FunctionConfig> = {};
  for (const r of ctx.ofType("AWS::Lambda::Function")) {
    const [name, config] = planFunction(ctx, r);
    if (functions[name] !== undefined)
      throw ctx.error(r, "Properties.FunctionName", `two functions of the template are named ${name}`);
    functions[name] = config;
  }
  const apis: PlannedApi[] = planRestApis(ctx);
  for (const r of ctx.ofType("AWS::ApiGatewayV2::Api")) {
    // An API imported from a Body or BodyS3Location is an HTTP API (WebSocket APIs have no import).
    const imported = r.properties.Body !== undefined || r.properties.BodyS3Location !== undefined;
    const protocol = str(r.properties.ProtocolType)?.toUpperCase() ?? (imported ? "HTTP" : undefined);
    if (protocol === "HTTP") apis.push(planHttpApi(ctx, r));
    else if (protocol === "WEBSOCKET") {
      const ws = planWebSocketApi(ctx, r);
      if (ws !== undefined) apis.push(ws);
    } else throw ctx.error(r, "Properties.ProtocolType", "ProtocolType is HTTP or WEBSOCKET");
  }
  const { apiKeys, usagePlans } = planUsagePlans(ctx);
  const domains = planDomains(ctx);
  unsupportedResourceNotices(ctx);
  return {
    functions,
    apis,
    apiKeys,
    usagePlans,
    ...(domains.length === 0 ? {} : { domains }),
    warnings: [...resolved.notices, ...ctx.notices],
  };
}
