import {
  arnInvokeUri,
  isMapping,
  lambdaInvokeUri,
  listOf,
  type Mapping,
  normalizedName,
  optionalString,
  type Place,
  type ReadContext,
  requiredString,
  requireFunction,
} from "./shape.ts";

export const WEBSOCKET_API_ID = "WebsocketsApi";
const DEFAULT_IDENTITY_SOURCE = ["route.request.header.Auth"];

/** One `websocket` event: a route of the service's WebSocket API and the function behind it. */
export interface WebSocketEvent {
  functionName: string;
  at: Place;
  route: string;
  routeResponseSelectionExpression?: string;
  authorizer?: { name: string; uri: Mapping; identitySource: string[] };
}

/** The framework's route logical-id part: `$connect` → `Sconnect`, `a/b-c_d.e` → `aSlashbDashcUnderscoredPeriode`. */
const routeId = (route: string): string =>
  route
    .replace(/\$/g, "S")
    .replace(/\//g, "Slash")
    .replace(/-/g, "Dash")
    .replace(/_/g, "Underscore")
    .replace(/\./g, "Period");

function authorizerOf(ctx: ReadContext, value: unknown, at: Place): WebSocketEvent["authorizer"] {
  const spec: Mapping =
    typeof value === "string" ? (value.includes(":") ? { arn: value } : { name: value }) : {};
  if (isMapping(value)) Object.assign(spec, value);
  else if (typeof value !== "string") throw at.error("must be a function name, an ARN or a mapping");
  const identitySource =
    spec.identitySource === undefined ? DEFAULT_IDENTITY_SOURCE : listOf(spec.identitySource).map(String);
  if (spec.arn !== undefined) {
    const name =
      optionalString(spec.name, at.key("name")) ??
      (typeof spec.arn === "string" ? spec.arn.slice(spec.arn.lastIndexOf(":") + 1) : undefined);
    if (name === undefined)
      throw at.key("name").error("an authorizer whose arn is not a string needs a name");
    return { name, uri: arnInvokeUri(spec.arn), identitySource };
  }
  const name = requiredString(spec.name, at.key("name"));
  requireFunction(ctx, name, at);
  return { name, uri: lambdaInvokeUri(name), identitySource };
}

/** `websocket: $connect` or `{ route, routeResponseSelectionExpression, authorizer }`. */
export function readWebSocketEvent(
  ctx: ReadContext,
  functionName: string,
  value: unknown,
  at: Place,
): WebSocketEvent {
  if (typeof value === "string") return { functionName, at, route: requiredString(value, at) };
  if (!isMapping(value)) throw at.error("must be a route ($connect, $default, …) or a mapping with route");
  const event: WebSocketEvent = { functionName, at, route: requiredString(value.route, at.key("route")) };
  const selection = optionalString(
    value.routeResponseSelectionExpression,
    at.key("routeResponseSelectionExpression"),
  );
  if (selection !== undefined) event.routeResponseSelectionExpression = selection;
  if (value.authorizer !== undefined) {
    if (event.route !== "$connect")
      throw at.key("authorizer").error("WebSocket APIs authorize on the $connect route only");
    const authorizer = authorizerOf(ctx, value.authorizer, at.key("authorizer"));
    if (authorizer !== undefined) event.authorizer = authorizer;
  }
  return event;
}

/**
 * The functions' `websocket` events as the framework's WebSocket API resources: the API (routes
 * selected by `provider.websocketsApiRouteSelectionExpression`, else `$request.body.action`), a
 * Lambda proxy integration per function, a route per event, REQUEST authorizers on `$connect`,
 * route responses where a selection expression asks for them, and a deployment to the stage.
 */
export function compileWebSockets(ctx: ReadContext, events: WebSocketEvent[]): void {
  if (events.length === 0) return;
  const providerAt = ctx.root.key("provider");
  const description =
    optionalString(ctx.provider.websocketsDescription, providerAt.key("websocketsDescription")) ??
    "Serverless Websockets";
  const apiRef = { Ref: WEBSOCKET_API_ID };
  ctx.resources[WEBSOCKET_API_ID] = {
    Type: "AWS::ApiGatewayV2::Api",
    Properties: {
      Name:
        optionalString(ctx.provider.websocketsApiName, providerAt.key("websocketsApiName")) ??
        `${ctx.stage}-${ctx.service}-websockets`,
      RouteSelectionExpression:
        optionalString(
          ctx.provider.websocketsApiRouteSelectionExpression,
          providerAt.key("websocketsApiRouteSelectionExpression"),
        ) ?? "$request.body.action",
      Description: description,
      ProtocolType: "WEBSOCKET",
    },
  };
  const routes = new Map<string, string>();
  const routeIds: string[] = [];
  for (const e of events) {
    const previous = routes.get(e.route);
    if (previous !== undefined) throw e.at.error(`route ${e.route} is also declared at ${previous}`);
    routes.set(e.route, e.at.path);
    const integrationId = `${normalizedName(e.functionName)}WebsocketsIntegration`;
    ctx.resources[integrationId] = {
      Type: "AWS::ApiGatewayV2::Integration",
      Properties: {
        ApiId: apiRef,
        IntegrationType: "AWS_PROXY",
        IntegrationUri: lambdaInvokeUri(e.functionName),
      },
    };
    const id = `${routeId(e.route)}WebsocketsRoute`;
    const properties: Mapping = {
      ApiId: apiRef,
      RouteKey: e.route,
      AuthorizationType: "NONE",
      Target: { "Fn::Join": ["/", ["integrations", { Ref: integrationId }]] },
    };
    if (e.routeResponseSelectionExpression !== undefined) {
      properties.RouteResponseSelectionExpression = e.routeResponseSelectionExpression;
      ctx.resources[`${id}Response`] = {
        Type: "AWS::ApiGatewayV2::RouteResponse",
        Properties: { ApiId: apiRef, RouteId: { Ref: id }, RouteResponseKey: "$default" },
      };
    }
    if (e.authorizer !== undefined) {
      const authorizerId = `${normalizedName(e.authorizer.name)}WebsocketsAuthorizer`;
      properties.AuthorizationType = "CUSTOM";
      properties.AuthorizerId = { Ref: authorizerId };
      ctx.resources[authorizerId] = {
        Type: "AWS::ApiGatewayV2::Authorizer",
        Properties: {
          ApiId: apiRef,
          Name: e.authorizer.name,
          AuthorizerType: "REQUEST",
          AuthorizerUri: e.authorizer.uri,
          IdentitySource: e.authorizer.identitySource,
        },
      };
    }
    ctx.resources[id] = { Type: "AWS::ApiGatewayV2::Route", Properties: properties };
    routeIds.push(id);
  }
  ctx.resources.WebsocketsDeployment = {
    Type: "AWS::ApiGatewayV2::Deployment",
    DependsOn: routeIds,
    Properties: { ApiId: apiRef, Description: description },
  };
  ctx.resources.WebsocketsDeploymentStage = {
    Type: "AWS::ApiGatewayV2::Stage",
    Properties: {
      ApiId: apiRef,
      StageName: ctx.stage,
      Description: description,
      DeploymentId: { Ref: "WebsocketsDeployment" },
    },
  };
}
