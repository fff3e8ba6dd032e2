import type { HttpApiDefinition, HttpIntegrationResponse, HttpRouteResponse } from "../model/http-api.ts";
import { newV2ChildId } from "../model/ids.ts";
import { patternProblem } from "../regex/java-pattern.ts";
import { badRequest, ControlError, notFound } from "./errors.ts";
import { findIntegration, findRoute } from "./http-entities.ts";
import { checkModelSelectionExpression, checkResponseTemplateSelectionExpression } from "./ws-expressions.ts";
import { checkContentHandling } from "./ws-integrations.ts";
import { checkModelNames, parameterConstraints, stringRecord } from "./ws-routes.ts";

/**
 * Route responses and integration responses (DG `apigateway-websocket-api-route-response`,
 * `apigateway-websocket-api-integration-responses`). A route response makes a route two-way; a
 * WebSocket API has only the `$default` one. An integration response shapes a non-proxy integration's
 * answer: `$default`, or a pattern between slashes matched against the integration's response
 * selection (a status code, a Lambda error message). Both are WebSocket parts; route responses on HTTP
 * APIs are stored as before.
 */

const conflict = (message: string) => new ControlError("ConflictException", message);
const isWebSocket = (def: HttpApiDefinition): boolean => def.api.protocolType === "WEBSOCKET";
const present = (v: unknown): boolean => v !== undefined && v !== null;

function optionalString(body: Record<string, unknown>, name: string): string | undefined {
  const v = body[name];
  if (!present(v)) return undefined;
  if (typeof v !== "string") throw badRequest(`Invalid value for ${name}: expected a string`);
  return v;
}

// ---- Route responses ----

function applyRouteResponse(
  def: HttpApiDefinition,
  routeId: string,
  response: HttpRouteResponse,
  body: Record<string, unknown>,
): void {
  const key = optionalString(body, "routeResponseKey");
  if (key !== undefined) {
    if (key === "") throw badRequest("RouteResponseKey is required");
    if (isWebSocket(def) && key !== "$default")
      throw badRequest(`Invalid route response key specified: ${key}. WebSocket APIs support only $default`);
    const taken = Object.values(def.routeResponses?.[routeId] ?? {}).some(
      (r) => r.routeResponseKey === key && r.routeResponseId !== response.routeResponseId,
    );
    if (taken) throw conflict(`Unable to create route response ${key}. The route response already exists`);
    response.routeResponseKey = key;
  }
  const mse = optionalString(body, "modelSelectionExpression");
  if (mse === "") delete response.modelSelectionExpression;
  else if (mse !== undefined)
    response.modelSelectionExpression = isWebSocket(def) ? checkModelSelectionExpression(mse) : mse;
  if (present(body.responseModels)) {
    const models = stringRecord(body.responseModels, "responseModels");
    if (isWebSocket(def)) checkModelNames(def, models);
    response.responseModels = models;
  }
  if (present(body.responseParameters)) {
    response.responseParameters = {
      ...(response.responseParameters ?? {}),
      ...parameterConstraints(body.responseParameters, "responseParameters", /^\S+$/),
    };
  }
}

export function createRouteResponse(
  def: HttpApiDefinition,
  routeId: string,
  body: Record<string, unknown>,
): HttpRouteResponse {
  findRoute(def, routeId);
  if (typeof body.routeResponseKey !== "string" || body.routeResponseKey === "")
    throw badRequest("RouteResponseKey is required");
  const response: HttpRouteResponse = { routeResponseId: newV2ChildId(), routeResponseKey: "" };
  applyRouteResponse(def, routeId, response, body);
  def.routeResponses ??= {};
  def.routeResponses[routeId] ??= {};
  def.routeResponses[routeId][response.routeResponseId] = response;
  return response;
}

export function findRouteResponse(def: HttpApiDefinition, routeId: string, id: string): HttpRouteResponse {
  findRoute(def, routeId);
  const r = def.routeResponses?.[routeId]?.[id];
  if (r === undefined) throw notFound(`Invalid RouteResponse identifier specified ${id}`);
  return r;
}

export function updateRouteResponse(
  def: HttpApiDefinition,
  routeId: string,
  id: string,
  body: Record<string, unknown>,
): HttpRouteResponse {
  const response = findRouteResponse(def, routeId, id);
  applyRouteResponse(def, routeId, response, body);
  return response;
}

export function deleteRouteResponse(def: HttpApiDefinition, routeId: string, id: string): void {
  findRouteResponse(def, routeId, id);
  delete def.routeResponses![routeId]![id];
}

// ---- Integration responses ----

/** `$default`, or `/pattern/` with a pattern AWS (Java) can compile. */
function checkIntegrationResponseKey(key: string): string {
  if (key === "$default") return key;
  const pattern = key.length > 2 && key.startsWith("/") && key.endsWith("/") ? key.slice(1, -1) : undefined;
  if (pattern === undefined || patternProblem(pattern) !== undefined) {
    throw badRequest(
      `Invalid integration response key specified: ${key}. Use $default or a pattern between slashes, e.g. /4\\d\\d/`,
    );
  }
  return key;
}

function applyIntegrationResponse(
  def: HttpApiDefinition,
  integrationId: string,
  response: HttpIntegrationResponse,
  body: Record<string, unknown>,
): void {
  const key = optionalString(body, "integrationResponseKey");
  if (key !== undefined) {
    checkIntegrationResponseKey(key);
    const taken = Object.values(def.integrationResponses?.[integrationId] ?? {}).some(
      (r) => r.integrationResponseKey === key && r.integrationResponseId !== response.integrationResponseId,
    );
    if (taken)
      throw conflict(`Unable to create integration response ${key}. The integration response already exists`);
    response.integrationResponseKey = key;
  }
  const tse = optionalString(body, "templateSelectionExpression");
  if (tse === "") delete response.templateSelectionExpression;
  else if (tse !== undefined)
    response.templateSelectionExpression = checkResponseTemplateSelectionExpression(tse);
  if (present(body.responseTemplates))
    response.responseTemplates = stringRecord(body.responseTemplates, "responseTemplates");
  if (present(body.responseParameters))
    response.responseParameters = stringRecord(body.responseParameters, "responseParameters");
  if (present(body.contentHandlingStrategy))
    response.contentHandlingStrategy = checkContentHandling(body.contentHandlingStrategy);
}

function integrationOf(def: HttpApiDefinition, integrationId: string): void {
  findIntegration(def, integrationId);
  if (!isWebSocket(def)) throw badRequest("Integration responses are supported only for WebSocket APIs");
}

export function createIntegrationResponse(
  def: HttpApiDefinition,
  integrationId: string,
  body: Record<string, unknown>,
): HttpIntegrationResponse {
  integrationOf(def, integrationId);
  if (typeof body.integrationResponseKey !== "string" || body.integrationResponseKey === "")
    throw badRequest("IntegrationResponseKey is required");
  const response: HttpIntegrationResponse = {
    integrationResponseId: newV2ChildId(),
    integrationResponseKey: "",
  };
  applyIntegrationResponse(def, integrationId, response, body);
  def.integrationResponses ??= {};
  def.integrationResponses[integrationId] ??= {};
  def.integrationResponses[integrationId][response.integrationResponseId] = response;
  return response;
}

export function listIntegrationResponses(
  def: HttpApiDefinition,
  integrationId: string,
): HttpIntegrationResponse[] {
  integrationOf(def, integrationId);
  return Object.values(def.integrationResponses?.[integrationId] ?? {});
}

export function findIntegrationResponse(
  def: HttpApiDefinition,
  integrationId: string,
  id: string,
): HttpIntegrationResponse {
  integrationOf(def, integrationId);
  const r = def.integrationResponses?.[integrationId]?.[id];
  if (r === undefined) throw notFound(`Invalid IntegrationResponse identifier specified ${id}`);
  return r;
}

export function updateIntegrationResponse(
  def: HttpApiDefinition,
  integrationId: string,
  id: string,
  body: Record<string, unknown>,
): HttpIntegrationResponse {
  const response = findIntegrationResponse(def, integrationId, id);
  applyIntegrationResponse(def, integrationId, response, body);
  return response;
}

export function deleteIntegrationResponse(def: HttpApiDefinition, integrationId: string, id: string): void {
  findIntegrationResponse(def, integrationId, id);
  delete def.integrationResponses![integrationId]![id];
}
