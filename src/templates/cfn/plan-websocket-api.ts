import type {
  WebSocketApiConfig,
  WebSocketIntegrationConfig,
  WebSocketRouteConfig,
} from "../../config/websocket-api-schema.ts";
import type { PlannedWebSocketApi } from "../template-plan.ts";
import { checkProperties, type PlanContext } from "./plan-context.ts";
import { routeIntegration, v2PartsOf, v2Stage } from "./plan-v2-parts.ts";
import { bool, defined, isRecord, num, str, strList, strMap } from "./plan-values.ts";
import type { ResolvedResource } from "./resolve-template.ts";

const API_HANDLED = [
  "Name",
  "ProtocolType",
  "RouteSelectionExpression",
  "ApiKeySelectionExpression",
  "DisableSchemaValidation",
  "DisableExecuteApiEndpoint",
  "Version",
];

/** `{Required: true}` per parameter, as CloudFormation writes a route's RequestParameters. */
function constraints(v: unknown): Record<string, { required?: boolean }> | undefined {
  if (!isRecord(v)) return undefined;
  return Object.fromEntries(
    Object.entries(v).map(([k, c]) => [k, defined({ required: isRecord(c) ? bool(c.Required) : bool(c) })]),
  );
}

function integration(ctx: PlanContext, r: ResolvedResource): WebSocketIntegrationConfig {
  checkProperties(ctx, r, [
    "ApiId",
    "IntegrationType",
    "IntegrationUri",
    "IntegrationMethod",
    "PayloadFormatVersion",
    "TimeoutInMillis",
    "ConnectionType",
    "ConnectionId",
    "CredentialsArn",
    "RequestParameters",
    "RequestTemplates",
    "TemplateSelectionExpression",
    "PassthroughBehavior",
    "ContentHandlingStrategy",
  ]);
  const p = r.properties;
  return defined({
    integrationType: str(p.IntegrationType),
    integrationUri: str(p.IntegrationUri),
    integrationMethod: str(p.IntegrationMethod),
    description: str(p.Description),
    payloadFormatVersion: str(p.PayloadFormatVersion),
    timeoutInMillis: num(p.TimeoutInMillis),
    connectionType: str(p.ConnectionType),
    connectionId: str(p.ConnectionId),
    credentialsArn: str(p.CredentialsArn),
    requestParameters: strMap(p.RequestParameters),
    requestTemplates: strMap(p.RequestTemplates),
    templateSelectionExpression: str(p.TemplateSelectionExpression),
    passthroughBehavior: str(p.PassthroughBehavior),
    contentHandlingStrategy: str(p.ContentHandlingStrategy),
  }) as WebSocketIntegrationConfig;
}

/** The API's authorizers by name, and each authorizer id's name for the routes. */
function authorizers(
  ctx: PlanContext,
  api: ResolvedResource,
  config: WebSocketApiConfig,
): Map<string, string> {
  const names = new Map<string, string>();
  for (const r of v2PartsOf(ctx, api, "AWS::ApiGatewayV2::Authorizer")) {
    checkProperties(ctx, r, [
      "ApiId",
      "Name",
      "AuthorizerType",
      "AuthorizerUri",
      "IdentitySource",
      "AuthorizerCredentialsArn",
      "AuthorizerResultTtlInSeconds",
    ]);
    const name = str(r.properties.Name) ?? r.logicalId;
    config.authorizers ??= {};
    config.authorizers[name] = defined({
      authorizerType: str(r.properties.AuthorizerType),
      authorizerUri: str(r.properties.AuthorizerUri),
      identitySource:
        r.properties.IdentitySource === undefined ? undefined : strList(r.properties.IdentitySource),
      authorizerCredentialsArn: str(r.properties.AuthorizerCredentialsArn),
      authorizerResultTtlInSeconds: num(r.properties.AuthorizerResultTtlInSeconds),
    });
    names.set(ctx.ref(r), name);
  }
  return names;
}

function models(ctx: PlanContext, api: ResolvedResource, config: WebSocketApiConfig): void {
  for (const r of v2PartsOf(ctx, api, "AWS::ApiGatewayV2::Model")) {
    checkProperties(ctx, r, ["ApiId", "Name", "Schema", "ContentType"]);
    const schema = r.properties.Schema;
    if (!isRecord(schema) && typeof schema !== "string")
      throw ctx.error(r, "Properties.Schema", "a model's Schema is a JSON Schema object (or its JSON text)");
    config.models ??= {};
    config.models[ctx.ref(r)] = defined({
      schema,
      contentType: str(r.properties.ContentType),
      description: str(r.properties.Description),
    }) as { schema: Record<string, unknown> | string };
  }
}

const ROUTE_HANDLED = [
  "ApiId",
  "RouteKey",
  "Target",
  "AuthorizationType",
  "AuthorizerId",
  "ApiKeyRequired",
  "OperationName",
  "RequestParameters",
  "RequestModels",
  "ModelSelectionExpression",
  "RouteResponseSelectionExpression",
];

function route(
  ctx: PlanContext,
  api: ResolvedResource,
  r: ResolvedResource,
  authorizerNames: Map<string, string>,
): WebSocketRouteConfig {
  checkProperties(ctx, r, ROUTE_HANDLED);
  const p = r.properties;
  const target = routeIntegration(ctx, api, r);
  if (target === undefined)
    throw ctx.error(
      r,
      "Properties.Target",
      "a WebSocket route needs a Target (integrations/{IntegrationId}) to be deployed",
    );
  const out: WebSocketRouteConfig = defined({
    integration: integration(ctx, target),
    authorizationType: str(p.AuthorizationType),
    apiKeyRequired: bool(p.ApiKeyRequired),
    operationName: str(p.OperationName),
    requestParameters: constraints(p.RequestParameters),
    requestModels: strMap(p.RequestModels),
    modelSelectionExpression: str(p.ModelSelectionExpression),
    routeResponseSelectionExpression: str(p.RouteResponseSelectionExpression),
  });
  if (p.AuthorizerId !== undefined) {
    const name = authorizerNames.get(str(p.AuthorizerId) ?? "");
    if (name === undefined)
      throw ctx.error(r, "Properties.AuthorizerId", "names no authorizer of the route's API");
    out.authorizerId = name;
  }
  for (const rr of v2PartsOf(ctx, api, "AWS::ApiGatewayV2::RouteResponse")) {
    if (ctx.target(rr, "RouteId", "AWS::ApiGatewayV2::Route") !== r) continue;
    checkProperties(ctx, rr, [
      "ApiId",
      "RouteId",
      "RouteResponseKey",
      "ModelSelectionExpression",
      "ResponseModels",
      "ResponseParameters",
    ]);
    out.routeResponses ??= {};
    out.routeResponses[str(rr.properties.RouteResponseKey) ?? "$default"] = defined({
      modelSelectionExpression: str(rr.properties.ModelSelectionExpression),
      responseModels: strMap(rr.properties.ResponseModels),
      responseParameters: constraints(rr.properties.ResponseParameters),
    });
  }
  for (const ir of v2PartsOf(ctx, api, "AWS::ApiGatewayV2::IntegrationResponse")) {
    if (ctx.target(ir, "IntegrationId", "AWS::ApiGatewayV2::Integration") !== target) continue;
    checkProperties(ctx, ir, [
      "ApiId",
      "IntegrationId",
      "IntegrationResponseKey",
      "ResponseTemplates",
      "TemplateSelectionExpression",
      "ContentHandlingStrategy",
      "ResponseParameters",
    ]);
    out.integrationResponses ??= {};
    out.integrationResponses[str(ir.properties.IntegrationResponseKey) ?? "$default"] = defined({
      responseTemplates: strMap(ir.properties.ResponseTemplates),
      templateSelectionExpression: str(ir.properties.TemplateSelectionExpression),
      contentHandlingStrategy: str(ir.properties.ContentHandlingStrategy),
      responseParameters: strMap(ir.properties.ResponseParameters),
    });
  }
  return out;
}

/**
 * A WEBSOCKET AWS::ApiGatewayV2::Api as the config file's declaration (WebSocket APIs have no
 * OpenAPI import): routes by route key with their integrations, authorizers by name, its stage.
 * The declaration deploys one stage: with none the API is not planned, with several the first is.
 */
export function planWebSocketApi(ctx: PlanContext, r: ResolvedResource): PlannedWebSocketApi | undefined {
  checkProperties(ctx, r, API_HANDLED, ["FailOnWarnings"]);
  const p = r.properties;
  const stageResources = v2PartsOf(ctx, r, "AWS::ApiGatewayV2::Stage");
  const stages = stageResources.map((s) => v2Stage(ctx, s, false));
  const selection = str(p.RouteSelectionExpression);
  if (selection === undefined)
    throw ctx.error(
      r,
      "Properties.RouteSelectionExpression",
      "a WebSocket API needs its RouteSelectionExpression",
    );
  const config: WebSocketApiConfig = {
    type: "WEBSOCKET",
    name: str(p.Name) ?? r.logicalId,
    id: ctx.ref(r),
    routeSelectionExpression: selection,
    stage: stages[0]?.name ?? "",
    routes: {},
  };
  Object.assign(
    config,
    defined({
      description: str(p.Description),
      version: str(p.Version),
      apiKeySelectionExpression: str(p.ApiKeySelectionExpression),
      disableSchemaValidation: bool(p.DisableSchemaValidation),
      disableExecuteApiEndpoint: bool(p.DisableExecuteApiEndpoint),
      variables: stages[0]?.variables,
    }),
  );
  models(ctx, r, config);
  const names = authorizers(ctx, r, config);
  for (const rr of v2PartsOf(ctx, r, "AWS::ApiGatewayV2::Route")) {
    const key = str(rr.properties.RouteKey);
    if (key === undefined) throw ctx.error(rr, "Properties.RouteKey", "a route needs its RouteKey");
    if (config.routes[key] !== undefined)
      throw ctx.error(rr, "Properties.RouteKey", `route ${key} is defined twice`);
    config.routes[key] = route(ctx, r, rr, names);
  }
  for (const [i, s] of stageResources.entries()) {
    if (i === 0) continue;
    ctx.notice(
      s,
      "Type",
      `Portico deploys a WebSocket API to one stage (${config.stage}); stage ${stages[i]!.name} is not created`,
    );
  }
  if (stages.length === 0) {
    ctx.notice(
      r,
      "Type",
      "no AWS::ApiGatewayV2::Stage names this WebSocket API, so CloudFormation would create no stage; Portico does not create the API (add a stage to run it)",
    );
    return undefined;
  }
  if (stageResources[0]?.properties.AccessLogSettings !== undefined)
    ctx.notice(
      stageResources[0],
      "Properties.AccessLogSettings",
      "a WebSocket API's declaration has no access log; not carried over",
    );
  return { type: "WEBSOCKET", logicalId: r.logicalId, config };
}
