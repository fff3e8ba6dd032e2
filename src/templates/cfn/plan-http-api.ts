import type { PlannedDocumentApi, PlannedStage } from "../template-plan.ts";
import { checkProperties, type PlanContext } from "./plan-context.ts";
import { readBodyFile } from "./plan-rest-api.ts";
import { routeIntegration, v2PartsOf, v2Stage } from "./plan-v2-parts.ts";
import { bool, child, defined, isRecord, num, str, strList, strMap } from "./plan-values.ts";
import type { ResolvedResource } from "./resolve-template.ts";

const API_HANDLED = [
  "Name",
  "ProtocolType",
  "Body",
  "BodyS3Location",
  "Target",
  "RouteKey",
  "CredentialsArn",
  "CorsConfiguration",
  "Version",
];
const API_INERT = ["FailOnWarnings", "DisableSchemaValidation", "RouteSelectionExpression"];

const CORS: Record<string, string> = {
  AllowOrigins: "allowOrigins",
  AllowMethods: "allowMethods",
  AllowHeaders: "allowHeaders",
  ExposeHeaders: "exposeHeaders",
  AllowCredentials: "allowCredentials",
  MaxAge: "maxAge",
};

/** Where a route key goes in `paths`: `GET /pets` → (`/pets`, `get`), `$default` → (`$default`, any). */
function placement(ctx: PlanContext, r: ResolvedResource, routeKey: string): [string, string] {
  if (routeKey === "$default") return ["$default", "x-amazon-apigateway-any-method"];
  const m = /^([A-Z]+) (\/\S*)$/.exec(routeKey);
  if (m === null)
    throw ctx.error(
      r,
      "Properties.RouteKey",
      `${routeKey} is not an HTTP API route key (METHOD /path or $default)`,
    );
  return [m[2]!, m[1] === "ANY" ? "x-amazon-apigateway-any-method" : m[1]!.toLowerCase()];
}

/** CloudFormation writes response mappings as lists of {Destination, Source}, or already as a map. */
function responseParameters(v: unknown): Record<string, Record<string, string>> | undefined {
  if (!isRecord(v)) return undefined;
  const out: Record<string, Record<string, string>> = {};
  for (const [status, mapping] of Object.entries(v)) {
    const entries =
      isRecord(mapping) && Array.isArray(mapping.ResponseParameters) ? mapping.ResponseParameters : undefined;
    if (entries === undefined) {
      out[status] = strMap(mapping) ?? {};
      continue;
    }
    out[status] = {};
    for (const e of entries)
      if (isRecord(e) && typeof e.Destination === "string" && typeof e.Source === "string")
        out[status][e.Destination] = e.Source;
  }
  return out;
}

const INTEGRATION_HANDLED = [
  "ApiId",
  "IntegrationType",
  "IntegrationUri",
  "IntegrationMethod",
  "IntegrationSubtype",
  "PayloadFormatVersion",
  "RequestParameters",
  "ResponseParameters",
  "CredentialsArn",
  "TimeoutInMillis",
  "ConnectionType",
  "ConnectionId",
  "TlsConfig",
];

/** An AWS::ApiGatewayV2::Integration as `x-amazon-apigateway-integration` (src/openapi/import-http-api.ts). */
function httpIntegration(ctx: PlanContext, r: ResolvedResource): Record<string, unknown> {
  checkProperties(ctx, r, INTEGRATION_HANDLED);
  const p = r.properties;
  const type = str(p.IntegrationType)?.toUpperCase();
  if (type === undefined)
    throw ctx.error(r, "Properties.IntegrationType", "an integration needs its IntegrationType");
  // Lambda is always called with POST; an HTTP proxy passes the route's method on unless told.
  const method =
    str(p.IntegrationMethod) ?? (type === "AWS_PROXY" ? "POST" : type === "HTTP_PROXY" ? "ANY" : undefined);
  return defined({
    type: type.toLowerCase(),
    uri: str(p.IntegrationUri),
    httpMethod: method,
    integrationSubtype: str(p.IntegrationSubtype),
    payloadFormatVersion: str(p.PayloadFormatVersion),
    requestParameters: strMap(p.RequestParameters),
    responseParameters: responseParameters(p.ResponseParameters),
    credentials: str(p.CredentialsArn),
    timeoutInMillis: num(p.TimeoutInMillis),
    connectionType: str(p.ConnectionType),
    connectionId: str(p.ConnectionId),
    tlsConfig: isRecord(p.TlsConfig)
      ? defined({ serverNameToVerify: str(p.TlsConfig.ServerNameToVerify) })
      : undefined,
  });
}

const AUTHORIZER_HANDLED = [
  "ApiId",
  "Name",
  "AuthorizerType",
  "JwtConfiguration",
  "IdentitySource",
  "AuthorizerUri",
  "AuthorizerPayloadFormatVersion",
  "EnableSimpleResponses",
  "AuthorizerResultTtlInSeconds",
  "AuthorizerCredentialsArn",
];

/** An AWS::ApiGatewayV2::Authorizer as AWS's HTTP API export writes its security scheme. */
function httpAuthorizer(ctx: PlanContext, r: ResolvedResource): Record<string, unknown> {
  checkProperties(ctx, r, AUTHORIZER_HANDLED);
  const p = r.properties;
  const type = str(p.AuthorizerType)?.toUpperCase();
  const identitySource = strList(p.IdentitySource);
  if (type === "JWT") {
    const jwt = isRecord(p.JwtConfiguration) ? p.JwtConfiguration : {};
    return {
      type: "oauth2",
      flows: {},
      "x-amazon-apigateway-authorizer": defined({
        type: "jwt",
        jwtConfiguration: defined({ issuer: str(jwt.Issuer), audience: strList(jwt.Audience) }),
        identitySource:
          identitySource.length > 0 ? identitySource.join(", ") : "$request.header.Authorization",
      }),
    };
  }
  if (type === "REQUEST")
    return {
      type: "apiKey",
      name: /^\$request\.header\.(.+)$/.exec(identitySource[0] ?? "")?.[1] ?? "Unused",
      in: "header",
      "x-amazon-apigateway-authorizer": defined({
        type: "request",
        authorizerUri: str(p.AuthorizerUri),
        authorizerPayloadFormatVersion: str(p.AuthorizerPayloadFormatVersion),
        enableSimpleResponses: bool(p.EnableSimpleResponses),
        identitySource: identitySource.length > 0 ? identitySource.join(", ") : undefined,
        authorizerResultTtlInSeconds: num(p.AuthorizerResultTtlInSeconds),
        authorizerCredentials: str(p.AuthorizerCredentialsArn),
      }),
    };
  throw ctx.error(
    r,
    "Properties.AuthorizerType",
    "an HTTP API authorizer's AuthorizerType is JWT or REQUEST",
  );
}

const ROUTE_HANDLED = [
  "ApiId",
  "RouteKey",
  "Target",
  "AuthorizationType",
  "AuthorizerId",
  "AuthorizationScopes",
  "OperationName",
];

function addRoutes(ctx: PlanContext, api: ResolvedResource, doc: Record<string, unknown>): void {
  const schemes = new Map<string, string>();
  for (const r of v2PartsOf(ctx, api, "AWS::ApiGatewayV2::Authorizer")) {
    const name = str(r.properties.Name) ?? r.logicalId;
    child(child(doc, "components"), "securitySchemes")[name] = httpAuthorizer(ctx, r);
    schemes.set(ctx.ref(r), name);
  }
  const paths = child(doc, "paths");
  for (const r of v2PartsOf(ctx, api, "AWS::ApiGatewayV2::Route")) {
    checkProperties(ctx, r, ROUTE_HANDLED);
    const p = r.properties;
    const routeKey = str(p.RouteKey);
    if (routeKey === undefined) throw ctx.error(r, "Properties.RouteKey", "a route needs its RouteKey");
    const [path, key] = placement(ctx, r, routeKey);
    const op: Record<string, unknown> = { responses: {} };
    const name = str(p.OperationName);
    if (name !== undefined) op.operationId = name;
    const auth = (str(p.AuthorizationType) ?? "NONE").toUpperCase();
    if (auth === "AWS_IAM") op["x-amazon-apigateway-auth"] = { type: "AWS_IAM" };
    else if (auth === "JWT" || auth === "CUSTOM") {
      const scheme = schemes.get(str(p.AuthorizerId) ?? "");
      if (scheme === undefined)
        throw ctx.error(
          r,
          "Properties.AuthorizerId",
          `${auth} authorization names no authorizer of the route's API`,
        );
      op.security = [{ [scheme]: strList(p.AuthorizationScopes) }];
    } else if (auth !== "NONE")
      throw ctx.error(r, "Properties.AuthorizationType", `${auth} is not NONE, AWS_IAM, JWT or CUSTOM`);
    const integration = routeIntegration(ctx, api, r);
    if (integration !== undefined) op["x-amazon-apigateway-integration"] = httpIntegration(ctx, integration);
    const item = child(paths, path);
    if (item[key] !== undefined)
      throw ctx.error(r, "Properties.RouteKey", `route ${routeKey} is defined twice`);
    item[key] = op;
  }
}

/** Quick create: `Target` (a Lambda ARN or an HTTP URL) behind one route, `$default` unless RouteKey says. */
function quickCreate(ctx: PlanContext, api: ResolvedResource, doc: Record<string, unknown>): void {
  const target = str(api.properties.Target)!;
  const routeKey = str(api.properties.RouteKey) ?? "$default";
  const [path, key] = placement(ctx, api, routeKey);
  const lambda = target.startsWith("arn:");
  const x = defined({
    type: lambda ? "aws_proxy" : "http_proxy",
    uri: target,
    httpMethod: lambda ? "POST" : "ANY",
    // Quick create's Lambda integrations use the 2.0 event, its HTTP proxies 1.0.
    payloadFormatVersion: lambda ? "2.0" : "1.0",
    credentials: str(api.properties.CredentialsArn),
  });
  child(child(doc, "paths"), path)[key] = { responses: {}, "x-amazon-apigateway-integration": x };
}

/** An HTTP AWS::ApiGatewayV2::Api as the OpenAPI document Portico's HTTP API importer reads. */
export function planHttpApi(ctx: PlanContext, r: ResolvedResource): PlannedDocumentApi {
  checkProperties(ctx, r, API_HANDLED, API_INERT);
  const p = r.properties;
  let doc: Record<string, unknown>;
  if (isRecord(p.Body)) doc = structuredClone(p.Body);
  else if (p.BodyS3Location !== undefined) doc = readBodyFile(ctx, r);
  else doc = { openapi: "3.0.1", info: {}, paths: {} };
  const info = child(doc, "info");
  const name = str(p.Name);
  if (name !== undefined) info.title = name;
  else if (typeof info.title !== "string" || info.title === "") info.title = r.logicalId;
  const description = str(p.Description);
  if (description !== undefined) info.description = description;
  const version = str(p.Version);
  if (version !== undefined) info.version = version;
  if (isRecord(p.CorsConfiguration)) {
    const cors: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(p.CorsConfiguration)) {
      const to = CORS[k];
      if (to === undefined)
        ctx.notice(
          r,
          `Properties.CorsConfiguration.${k}`,
          `CorsConfiguration ${k} is not carried over by Portico`,
        );
      else cors[to] = to === "maxAge" ? num(v) : to === "allowCredentials" ? bool(v) : strList(v);
    }
    doc["x-amazon-apigateway-cors"] = defined(cors);
  }
  const stages: PlannedStage[] = v2PartsOf(ctx, r, "AWS::ApiGatewayV2::Stage").map((s) =>
    v2Stage(ctx, s, true),
  );
  if (p.Target !== undefined) {
    quickCreate(ctx, r, doc);
    // Quick create makes the $default stage, deployed automatically.
    if (!stages.some((s) => s.name === "$default")) stages.unshift({ name: "$default" });
  } else if (p.RouteKey !== undefined || p.CredentialsArn !== undefined)
    ctx.notice(
      r,
      "Properties.RouteKey",
      "RouteKey and CredentialsArn take effect only with Target (quick create)",
    );
  addRoutes(ctx, r, doc);
  if (stages.length === 0)
    ctx.notice(
      r,
      "Type",
      "no AWS::ApiGatewayV2::Stage names this API, so CloudFormation would create no stage; Portico creates the API and deploys no stage (add one, $default for instance, to call it)",
    );
  return { type: "HTTP", logicalId: r.logicalId, id: ctx.ref(r), document: doc, stages };
}
