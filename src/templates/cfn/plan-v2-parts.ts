import type { PlannedStage } from "../template-plan.ts";
import { checkProperties, type PlanContext } from "./plan-context.ts";
import { isRecord, num, str } from "./plan-values.ts";
import type { ResolvedResource } from "./resolve-template.ts";

export const V2_API = "AWS::ApiGatewayV2::Api";

/** The apigatewayv2 resources of `type` whose ApiId names `api`; any other id is refused. */
export function v2PartsOf(ctx: PlanContext, api: ResolvedResource, type: string): ResolvedResource[] {
  return ctx.ofType(type).filter((r) => ctx.target(r, "ApiId", V2_API) === api);
}

/** The AWS::ApiGatewayV2::Integration a route's `Target` (`integrations/{id}`) names, if any. */
export function routeIntegration(
  ctx: PlanContext,
  api: ResolvedResource,
  route: ResolvedResource,
): ResolvedResource | undefined {
  const target = str(route.properties.Target);
  if (target === undefined) return undefined;
  const m = /^integrations\/(.+)$/.exec(target);
  const integration = m === null ? undefined : ctx.find("AWS::ApiGatewayV2::Integration", m[1]);
  if (integration === undefined || ctx.target(integration, "ApiId", V2_API) !== api)
    throw ctx.error(
      route,
      "Properties.Target",
      `${target} names no AWS::ApiGatewayV2::Integration of the route's API (a Target is integrations/{IntegrationId})`,
    );
  return integration;
}

const STAGE_HANDLED = ["ApiId", "StageName", "StageVariables", "DefaultRouteSettings", "AccessLogSettings"];
/** Deployment is Portico's to make: it deploys every planned stage, whatever AutoDeploy says. */
const STAGE_INERT = ["AutoDeploy", "DeploymentId"];

/**
 * An AWS::ApiGatewayV2::Stage: its name, variables, access log and (HTTP APIs) the default route
 * throttle; `throttle` false for WebSocket APIs, whose declaration has no stage throttle.
 */
export function v2Stage(ctx: PlanContext, r: ResolvedResource, throttle: boolean): PlannedStage {
  checkProperties(ctx, r, STAGE_HANDLED, STAGE_INERT);
  const p = r.properties;
  const name = str(p.StageName);
  if (name === undefined) throw ctx.error(r, "Properties.StageName", "a stage needs its StageName");
  const stage: PlannedStage = { name };
  const variables = isRecord(p.StageVariables) ? p.StageVariables : undefined;
  if (variables !== undefined)
    stage.variables = Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, String(v)]));
  const description = str(p.Description);
  if (description !== undefined) stage.description = description;
  const defaults = isRecord(p.DefaultRouteSettings) ? p.DefaultRouteSettings : {};
  for (const key of Object.keys(defaults)) {
    if (throttle && (key === "ThrottlingBurstLimit" || key === "ThrottlingRateLimit")) continue;
    ctx.notice(
      r,
      `Properties.DefaultRouteSettings.${key}`,
      `DefaultRouteSettings ${key} is not carried over by Portico`,
    );
  }
  const burstLimit = num(defaults.ThrottlingBurstLimit);
  const rateLimit = num(defaults.ThrottlingRateLimit);
  if (throttle && (burstLimit !== undefined || rateLimit !== undefined)) {
    stage.defaultRouteThrottle = {};
    if (burstLimit !== undefined) stage.defaultRouteThrottle.burstLimit = burstLimit;
    if (rateLimit !== undefined) stage.defaultRouteThrottle.rateLimit = rateLimit;
  }
  const log = isRecord(p.AccessLogSettings) ? p.AccessLogSettings : undefined;
  if (log !== undefined) {
    const destinationArn = str(log.DestinationArn);
    const format = str(log.Format);
    if (destinationArn !== undefined && format !== undefined) stage.accessLog = { destinationArn, format };
    else
      ctx.notice(
        r,
        "Properties.AccessLogSettings",
        "an access log needs both DestinationArn and Format; the stage logs no access",
      );
  }
  return stage;
}
