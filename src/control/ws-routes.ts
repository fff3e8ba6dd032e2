import type { HttpApiDefinition, HttpRoute, ParameterConstraints } from "../model/http-api.ts";
import { badRequest } from "./errors.ts";
import { checkModelSelectionExpression, checkRouteResponseSelectionExpression } from "./ws-expressions.ts";

/**
 * What a WebSocket API's routes accept beyond an HTTP API's (DG `websocket-api-develop-routes`,
 * `apigateway-websocket-api-route-response`, `websocket-api-request-validation`,
 * `websocket-api-data-mapping`): the three predefined keys or custom ones, authorization on `$connect`
 * only, two-way routes, request parameters and models.
 */

export const PREDEFINED_ROUTE_KEYS = ["$connect", "$disconnect", "$default"] as const;

/** A WebSocket route key: a predefined one, or a custom key, which cannot take the reserved `$` prefix. */
export function checkWebSocketRouteKey(routeKey: unknown): string {
  if (typeof routeKey !== "string" || routeKey === "") throw badRequest("RouteKey is required");
  const predefined = (PREDEFINED_ROUTE_KEYS as readonly string[]).includes(routeKey);
  if ((routeKey.startsWith("$") && !predefined) || routeKey.length > 128) {
    throw badRequest("The provided route key is not formatted properly");
  }
  return routeKey;
}

const ROUTE_PARAMETER =
  /^route\.request\.(?:header|querystring|multivalueheader|multivaluequerystring)\.[A-Za-z0-9._$-]+$/;

/** `{"route.request.querystring.token": {"required": true}}`: the request parameters a route declares. */
export function parameterConstraints(
  value: unknown,
  member: string,
  key = ROUTE_PARAMETER,
): ParameterConstraints {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw badRequest(`Invalid value for ${member}: expected a map of parameter constraints`);
  const out: ParameterConstraints = {};
  for (const [name, constraint] of Object.entries(value)) {
    if (!key.test(name)) throw badRequest(`Invalid ${member} key specified: ${name}`);
    const required = (constraint as { required?: unknown } | null)?.required;
    if (
      typeof constraint !== "object" ||
      constraint === null ||
      (required !== undefined && typeof required !== "boolean")
    )
      throw badRequest(`Invalid value for ${member} ${name}: expected {"required": true|false}`);
    out[name] = { required: required === true };
  }
  return out;
}

/** A map of strings (templates, models, mappings), or a refusal naming the member. */
export function stringRecord(value: unknown, member: string): Record<string, string> {
  if (
    typeof value !== "object" ||
    value === null ||
    Array.isArray(value) ||
    Object.values(value).some((v) => typeof v !== "string")
  )
    throw badRequest(`Invalid value for ${member}: expected a map of strings`);
  return { ...(value as Record<string, string>) };
}

/** A model name the API has: routes and route responses name models, not their ids. */
export function checkModelNames(def: HttpApiDefinition, models: Record<string, string>): void {
  const names = new Set(Object.values(def.models ?? {}).map((m) => m.name));
  for (const name of Object.values(models)) {
    if (!names.has(name)) throw badRequest(`Invalid model identifier specified: ${name}`);
  }
}

/** The WebSocket-only members of CreateRoute / UpdateRoute. An empty string removes a selection expression. */
export function applyWebSocketRouteFields(
  def: HttpApiDefinition,
  route: HttpRoute,
  body: Record<string, unknown>,
): void {
  const rrse = body.routeResponseSelectionExpression;
  if (rrse === "") delete route.routeResponseSelectionExpression;
  else if (rrse !== undefined && rrse !== null) {
    if (typeof rrse !== "string")
      throw badRequest("Invalid value for routeResponseSelectionExpression: expected a string");
    route.routeResponseSelectionExpression = checkRouteResponseSelectionExpression(rrse);
  }
  const mse = body.modelSelectionExpression;
  if (mse === "") delete route.modelSelectionExpression;
  else if (mse !== undefined && mse !== null) {
    if (typeof mse !== "string")
      throw badRequest("Invalid value for modelSelectionExpression: expected a string");
    route.modelSelectionExpression = checkModelSelectionExpression(mse);
  }
  if (body.requestModels !== undefined && body.requestModels !== null) {
    const models = stringRecord(body.requestModels, "requestModels");
    checkModelNames(def, models);
    route.requestModels = models;
  }
  if (body.requestParameters !== undefined && body.requestParameters !== null) {
    // Merged, as AWS does: DeleteRouteRequestParameter is how one goes.
    route.requestParameters = {
      ...(route.requestParameters ?? {}),
      ...parameterConstraints(body.requestParameters, "requestParameters"),
    };
  }
}

/**
 * A WebSocket route as a change leaves it: JWT is for HTTP APIs, a Lambda authorizer needs its id, and
 * (AWS's words) "Currently, authorization is restricted to the $connect route only" — IAM as well.
 */
export function checkWebSocketRoute(def: HttpApiDefinition, route: HttpRoute): void {
  if (route.authorizationType === "JWT")
    throw badRequest("Invalid authorization type JWT: WebSocket APIs support NONE, AWS_IAM and CUSTOM");
  if (route.authorizationType !== "NONE" && route.routeKey !== "$connect")
    throw badRequest("Currently, authorization is restricted to the $connect route only");
  if (route.authorizationType === "CUSTOM") {
    if (route.authorizerId === undefined)
      throw badRequest("An authorizerId is required when the authorization type is CUSTOM");
    if (def.authorizers?.[route.authorizerId]?.authorizerType !== "REQUEST")
      throw badRequest(`Invalid authorizer identifier specified ${route.authorizerId}`);
  }
}
