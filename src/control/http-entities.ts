import { subtypeProblem } from "../integrations/service-subtypes.ts";
import { AWS_QUOTAS } from "../model/aws-quotas.ts";
import type { HttpApi, HttpApiDefinition, HttpIntegration, HttpRoute } from "../model/http-api.ts";
import { newApiId, newV2ChildId } from "../model/ids.ts";
import { isHttpUri } from "../openapi/integration-extension.ts";
import { badRequest, ControlError, notFound } from "./errors.ts";
import { checkApiName, checkCount, checkDescription } from "./limits.ts";
import {
  API_KEY_SELECTION_EXPRESSIONS,
  checkApiKeySelectionExpression,
  checkRouteSelectionExpression,
} from "./ws-expressions.ts";
import {
  applyWebSocketIntegrationFields,
  checkWebSocketIntegration,
  newWebSocketIntegration,
} from "./ws-integrations.ts";
import { applyWebSocketRouteFields, checkWebSocketRoute, checkWebSocketRouteKey } from "./ws-routes.ts";

/**
 * HTTP and WebSocket API (apigatewayv2) resources as edits of a draft definition: Api (incl. quick
 * create), Route, Integration; the WebSocket-only rules live in ws-*.ts. apigatewayv2 updates take the
 * fields to change, not patch operations.
 */

const isWebSocket = (def: HttpApiDefinition): boolean => def.api.protocolType === "WEBSOCKET";

const METHODS = new Set(["GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS", "HEAD", "ANY"]);
const PART = /^(?:[A-Za-z0-9._\-,:]+|\{[A-Za-z0-9._-]+\+?\})$/;

export function checkRouteKey(routeKey: unknown): string {
  if (routeKey === "$default") return routeKey;
  if (typeof routeKey !== "string") throw badRequest("RouteKey is required");
  const space = routeKey.indexOf(" ");
  const method = routeKey.slice(0, space);
  const path = routeKey.slice(space + 1);
  const parts = path.split("/").slice(1);
  const valid =
    space > 0 &&
    METHODS.has(method) &&
    path.startsWith("/") &&
    (path === "/" || parts.every((p, i) => PART.test(p) && (!p.endsWith("+}") || i === parts.length - 1)));
  if (!valid)
    throw badRequest(
      `Invalid route key ${routeKey}. Route keys look like 'GET /pets/{id}', 'ANY /{proxy+}' or '$default'`,
    );
  return routeKey;
}

function str(body: Record<string, unknown>, name: string): string | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw badRequest(`Invalid value for ${name}: expected a string`);
  return v;
}

function applyIntegrationFields(i: HttpIntegration, body: Record<string, unknown>, ws: boolean): void {
  const type = str(body, "integrationType");
  if (type !== undefined) {
    if (!["HTTP_PROXY", "AWS_PROXY", "MOCK", "HTTP", "AWS"].includes(type))
      throw badRequest(`Invalid integration type ${type}`);
    i.integrationType = type as HttpIntegration["integrationType"];
  }
  const uri = str(body, "integrationUri");
  if (uri !== undefined) i.integrationUri = uri;
  const method = str(body, "integrationMethod");
  if (method !== undefined) i.integrationMethod = method.toUpperCase();
  const description = str(body, "description");
  if (description !== undefined) i.description = description;
  if (ws) {
    applyWebSocketIntegrationFields(i, body);
    checkWebSocketIntegration(i);
    return;
  }
  const payload = str(body, "payloadFormatVersion");
  if (payload !== undefined) {
    if (payload !== "1.0" && payload !== "2.0")
      throw badRequest("Invalid payloadFormatVersion. Valid values are 1.0 and 2.0");
    i.payloadFormatVersion = payload;
  }
  if (body.timeoutInMillis !== undefined) {
    const t = Number(body.timeoutInMillis);
    if (!Number.isInteger(t) || t < 50 || t > 30_000)
      throw badRequest("Timeout must be between 50 and 30000 milliseconds");
    i.timeoutInMillis = t;
  }
  if (body.requestParameters !== undefined)
    i.requestParameters = body.requestParameters as Record<string, string>;
  if (body.responseParameters !== undefined)
    i.responseParameters = body.responseParameters as Record<string, Record<string, string>>;
  const subtype = str(body, "integrationSubtype");
  if (subtype !== undefined) i.integrationSubtype = subtype;
  const credentials = str(body, "credentialsArn");
  if (credentials !== undefined) i.credentialsArn = credentials;
  if (i.integrationSubtype !== undefined) {
    if (i.integrationType !== "AWS_PROXY")
      throw badRequest("IntegrationSubtype is supported only for AWS_PROXY integrations");
    const problem = subtypeProblem(i.integrationSubtype, i.requestParameters ?? {});
    if (problem !== undefined) throw badRequest(problem);
  }
  if (i.integrationType === "HTTP_PROXY") {
    if (i.integrationUri === undefined || !isHttpUri(i.integrationUri))
      throw badRequest("Invalid integration URI specified");
    if (i.integrationMethod === undefined)
      throw badRequest("IntegrationMethod is required for HTTP_PROXY integrations");
    if (i.payloadFormatVersion !== "1.0")
      throw badRequest("HTTP_PROXY integrations support only payloadFormatVersion 1.0");
  }
}

export function createIntegration(def: HttpApiDefinition, body: Record<string, unknown>): HttpIntegration {
  if (body.integrationType === undefined) throw badRequest("IntegrationType is required");
  const integration: HttpIntegration = isWebSocket(def)
    ? newWebSocketIntegration(newV2ChildId())
    : {
        integrationId: newV2ChildId(),
        integrationType: "HTTP_PROXY",
        payloadFormatVersion: "1.0",
        timeoutInMillis: 30_000,
        connectionType: "INTERNET",
      };
  applyIntegrationFields(integration, body, isWebSocket(def));
  checkCount(Object.keys(def.integrations).length, AWS_QUOTAS.integrationsPerApi, "Integrations");
  def.integrations[integration.integrationId] = integration;
  return integration;
}

export function findIntegration(def: HttpApiDefinition, id: string): HttpIntegration {
  const i = def.integrations[id];
  if (i === undefined) throw notFound(`Invalid Integration identifier specified ${id}`);
  return i;
}

export function updateIntegration(
  def: HttpApiDefinition,
  id: string,
  body: Record<string, unknown>,
): HttpIntegration {
  const integration = findIntegration(def, id);
  applyIntegrationFields(integration, body, isWebSocket(def));
  return integration;
}

export function deleteIntegration(def: HttpApiDefinition, id: string): void {
  findIntegration(def, id);
  if (Object.values(def.routes).some((r) => r.target === `integrations/${id}`)) {
    throw new ControlError("ConflictException", `Integration ${id} is still the target of a route`);
  }
  delete def.integrations[id];
  delete def.integrationResponses?.[id];
}

function applyRouteFields(def: HttpApiDefinition, route: HttpRoute, body: Record<string, unknown>): void {
  const ws = isWebSocket(def);
  if (body.routeKey !== undefined) {
    const key = ws ? checkWebSocketRouteKey(body.routeKey) : checkRouteKey(body.routeKey);
    if (Object.values(def.routes).some((r) => r.routeKey === key && r.routeId !== route.routeId)) {
      throw new ControlError("ConflictException", `Unable to create route ${key}. The route already exists`);
    }
    route.routeKey = key;
  }
  const target = str(body, "target");
  if (target !== undefined) {
    const id = target.startsWith("integrations/") ? target.slice("integrations/".length) : undefined;
    if (id === undefined || def.integrations[id] === undefined)
      throw badRequest(`Invalid target ${target}: no such integration`);
    route.target = target;
  }
  const authorizationType = str(body, "authorizationType");
  if (authorizationType !== undefined) {
    if (!["NONE", "JWT", "AWS_IAM", "CUSTOM"].includes(authorizationType))
      throw badRequest(`Invalid authorization type ${authorizationType}`);
    route.authorizationType = authorizationType as HttpRoute["authorizationType"];
  }
  const authorizerId = str(body, "authorizerId");
  if (authorizerId !== undefined) {
    if (def.authorizers?.[authorizerId] === undefined)
      throw badRequest(`Invalid authorizer identifier specified ${authorizerId}`);
    route.authorizerId = authorizerId;
  }
  if (Array.isArray(body.authorizationScopes))
    route.authorizationScopes = body.authorizationScopes.map(String);
  if (typeof body.apiKeyRequired === "boolean") route.apiKeyRequired = body.apiKeyRequired;
  const operationName = str(body, "operationName");
  if (operationName !== undefined) route.operationName = operationName;
  if (ws) {
    applyWebSocketRouteFields(def, route, body);
    checkWebSocketRoute(def, route);
  }
}

export function createRoute(def: HttpApiDefinition, body: Record<string, unknown>): HttpRoute {
  if (body.routeKey === undefined) throw badRequest("RouteKey is required");
  const route: HttpRoute = {
    routeId: newV2ChildId(),
    routeKey: "",
    authorizationType: "NONE",
    apiKeyRequired: false,
  };
  applyRouteFields(def, route, body);
  checkCount(Object.keys(def.routes).length, AWS_QUOTAS.routesPerApi, "Routes");
  def.routes[route.routeId] = route;
  return route;
}

export function findRoute(def: HttpApiDefinition, id: string): HttpRoute {
  const r = def.routes[id];
  if (r === undefined) throw notFound(`Invalid Route identifier specified ${id}`);
  return r;
}

export function updateRoute(def: HttpApiDefinition, id: string, body: Record<string, unknown>): HttpRoute {
  const route = findRoute(def, id);
  applyRouteFields(def, route, body);
  return route;
}

export function deleteRoute(def: HttpApiDefinition, id: string): void {
  findRoute(def, id);
  delete def.routes[id];
  delete def.routeResponses?.[id];
}

/** UpdateApi: the fields given replace the API's. */
export function updateApi(def: HttpApiDefinition, body: Record<string, unknown>): HttpApi {
  const api = def.api;
  const name = str(body, "name");
  if (name !== undefined) {
    if (name.trim() === "") throw badRequest("Invalid API name");
    checkApiName(name);
    api.name = name;
  }
  const description = str(body, "description");
  checkDescription(description);
  if (description !== undefined) api.description = description;
  const version = str(body, "version");
  if (version !== undefined) api.version = version;
  if (typeof body.disableExecuteApiEndpoint === "boolean")
    api.disableExecuteApiEndpoint = body.disableExecuteApiEndpoint;
  if (body.corsConfiguration !== undefined && body.corsConfiguration !== null) {
    if (isWebSocket(def)) throw badRequest("CORS configuration is supported only for HTTP APIs");
    api.corsConfiguration = body.corsConfiguration as Record<string, unknown>;
  }
  const rse = str(body, "routeSelectionExpression");
  if (rse !== undefined)
    api.routeSelectionExpression = isWebSocket(def) ? checkRouteSelectionExpression(rse) : rse;
  if (isWebSocket(def)) {
    const akse = str(body, "apiKeySelectionExpression");
    if (akse !== undefined) api.apiKeySelectionExpression = checkApiKeySelectionExpression(akse);
    if (typeof body.disableSchemaValidation === "boolean")
      api.disableSchemaValidation = body.disableSchemaValidation;
  }
  return api;
}

/**
 * CreateApi. With `target` (quick create), AWS also creates the `$default` route (or `routeKey`), its
 * integration, and the `$default` stage with auto-deploy; the caller creates the stage.
 */
export function newHttpApiDefinition(body: Record<string, unknown>, region: string): HttpApiDefinition {
  const name = str(body, "name");
  if (name === undefined || name.trim() === "") throw badRequest("Invalid API name: name is required");
  checkApiName(name);
  const protocolType = str(body, "protocolType") ?? "";
  if (protocolType !== "HTTP" && protocolType !== "WEBSOCKET")
    throw badRequest("Invalid protocolType. Valid values are HTTP and WEBSOCKET");
  const ws = protocolType === "WEBSOCKET";
  // WebSocket APIs have no default: the expression names what routes a message.
  if (ws && str(body, "routeSelectionExpression") === undefined)
    throw badRequest(
      "A route selection expression is required for WebSocket APIs (routeSelectionExpression)",
    );
  const apiId = newApiId();
  const def: HttpApiDefinition = {
    api: {
      apiId,
      name,
      protocolType,
      routeSelectionExpression: ws
        ? ""
        : (str(body, "routeSelectionExpression") ?? "$request.method $request.path"),
      apiKeySelectionExpression: ws
        ? API_KEY_SELECTION_EXPRESSIONS[0]
        : (str(body, "apiKeySelectionExpression") ?? "$request.header.x-api-key"),
      apiEndpoint: `${protocolType === "HTTP" ? "https" : "wss"}://${apiId}.execute-api.${region}.amazonaws.com`,
      createdDate: Date.now(),
      disableExecuteApiEndpoint: body.disableExecuteApiEndpoint === true,
    },
    routes: {},
    integrations: {},
  };
  updateApi(def, {
    description: body.description,
    version: body.version,
    corsConfiguration: body.corsConfiguration,
    ...(ws
      ? {
          routeSelectionExpression: body.routeSelectionExpression,
          apiKeySelectionExpression: body.apiKeySelectionExpression,
          disableSchemaValidation: body.disableSchemaValidation,
        }
      : {}),
  });
  if (typeof body.tags === "object" && body.tags !== null) def.api.tags = body.tags as Record<string, string>;
  const target = str(body, "target");
  if (target !== undefined) {
    if (protocolType !== "HTTP") throw badRequest("Quick create (target) is only supported for HTTP APIs");
    const integration = createIntegration(
      def,
      target.startsWith("arn:")
        ? { integrationType: "AWS_PROXY", integrationUri: target, payloadFormatVersion: "2.0" }
        : {
            integrationType: "HTTP_PROXY",
            integrationUri: target,
            integrationMethod: "ANY",
            payloadFormatVersion: "1.0",
          },
    );
    createRoute(def, {
      routeKey: str(body, "routeKey") ?? "$default",
      target: `integrations/${integration.integrationId}`,
    });
  }
  return def;
}
