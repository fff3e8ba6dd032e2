import { integrationTargetProblem } from "../integrations/integration-target.ts";
import type { ContentHandlingStrategy, HttpIntegration, PassthroughBehavior } from "../model/http-api.ts";
import { badRequest } from "./errors.ts";
import { checkTemplateSelectionExpression } from "./ws-expressions.ts";
import { stringRecord } from "./ws-routes.ts";

/**
 * A WebSocket API's integrations (DG `apigateway-websocket-api-integration-requests`,
 * `websocket-api-data-transformations`, `websocket-api-data-mapping`; API reference `Integration`):
 * all five types; mapping templates chosen by a template selection expression; passthrough and content
 * handling; a timeout of 50–29000 ms (default 29000); payload format 1.0 only. The integration response
 * selection expression is API Gateway's, fixed by the type.
 */

export const CONTENT_HANDLING: readonly ContentHandlingStrategy[] = ["CONVERT_TO_BINARY", "CONVERT_TO_TEXT"];
const PASSTHROUGH: readonly PassthroughBehavior[] = ["WHEN_NO_MATCH", "NEVER", "WHEN_NO_TEMPLATES"];
const TIMEOUT_MAX = 29_000;

/** The defaults AWS fills in on a WebSocket integration. */
export function newWebSocketIntegration(integrationId: string): HttpIntegration {
  return {
    integrationId,
    integrationType: "MOCK",
    payloadFormatVersion: "1.0",
    timeoutInMillis: TIMEOUT_MAX,
    connectionType: "INTERNET",
    passthroughBehavior: "WHEN_NO_MATCH",
  };
}

export function checkContentHandling(value: unknown): ContentHandlingStrategy {
  if (!CONTENT_HANDLING.includes(value as ContentHandlingStrategy))
    throw badRequest(
      `Invalid content handling strategy specified: ${String(value)}. Valid values are ${CONTENT_HANDLING.join(", ")}`,
    );
  return value as ContentHandlingStrategy;
}

const present = (v: unknown): boolean => v !== undefined && v !== null;

/** Integration request parameters: `integration.request.{header|querystring|path}.name` ← a route value. */
const TARGET = /^integration\.request\.(?:header|querystring|path)\.[A-Za-z0-9._$-]+$/;
const SOURCE =
  /^(?:route\.request\.(?:header|querystring|multivalueheader|multivaluequerystring)\.[A-Za-z0-9._$-]+|route\.request\.body\.\S+|context\.[A-Za-z0-9._-]+|stageVariables\.[A-Za-z0-9._-]+|'[^']*')$/;

function requestParameters(value: unknown): Record<string, string> {
  const map = stringRecord(value, "requestParameters");
  for (const [target, source] of Object.entries(map)) {
    if (!TARGET.test(target)) throw badRequest(`Invalid mapping expression specified: ${target}`);
    if (!SOURCE.test(source)) throw badRequest(`Invalid mapping expression specified: ${source}`);
  }
  return map;
}

/** The WebSocket members of CreateIntegration / UpdateIntegration; the type and target are checked after. */
export function applyWebSocketIntegrationFields(i: HttpIntegration, body: Record<string, unknown>): void {
  if (present(body.payloadFormatVersion) && body.payloadFormatVersion !== "1.0")
    throw badRequest("Invalid payloadFormatVersion. WebSocket APIs support only 1.0");
  if (present(body.timeoutInMillis)) {
    const t = Number(body.timeoutInMillis);
    if (!Number.isInteger(t) || t < 50 || t > TIMEOUT_MAX)
      throw badRequest(`Timeout must be between 50 and ${TIMEOUT_MAX} milliseconds`);
    i.timeoutInMillis = t;
  }
  if (present(body.requestTemplates))
    i.requestTemplates = stringRecord(body.requestTemplates, "requestTemplates");
  const tse = body.templateSelectionExpression;
  if (tse === "") delete i.templateSelectionExpression;
  else if (present(tse)) {
    if (typeof tse !== "string")
      throw badRequest("Invalid value for templateSelectionExpression: expected a string");
    i.templateSelectionExpression = checkTemplateSelectionExpression(tse);
  }
  if (present(body.passthroughBehavior)) {
    if (!PASSTHROUGH.includes(body.passthroughBehavior as PassthroughBehavior))
      throw badRequest(
        `Invalid passthrough behavior specified: ${String(body.passthroughBehavior)}. Valid values are ${PASSTHROUGH.join(", ")}`,
      );
    i.passthroughBehavior = body.passthroughBehavior as PassthroughBehavior;
  }
  if (present(body.contentHandlingStrategy))
    i.contentHandlingStrategy = checkContentHandling(body.contentHandlingStrategy);
  if (present(body.requestParameters)) i.requestParameters = requestParameters(body.requestParameters);
  for (const key of ["credentialsArn", "connectionId"] as const) {
    const v = body[key];
    if (!present(v)) continue;
    if (typeof v !== "string") throw badRequest(`Invalid value for ${key}: expected a string`);
    i[key] = v;
  }
  if (present(body.connectionType)) {
    if (body.connectionType !== "INTERNET" && body.connectionType !== "VPC_LINK")
      throw badRequest(
        `Invalid connection type specified: ${String(body.connectionType)}. Valid values are INTERNET, VPC_LINK`,
      );
    i.connectionType = body.connectionType;
  }
}

/**
 * A WebSocket integration as a change leaves it: its target as AWS checks REST integrations (the
 * same words), a Lambda's method POST when none is given, and the response selection its type fixes.
 */
export function checkWebSocketIntegration(i: HttpIntegration): void {
  if (i.integrationSubtype !== undefined)
    throw badRequest("Integration subtypes are supported only for HTTP APIs");
  if ((i.integrationType === "AWS" || i.integrationType === "AWS_PROXY") && i.integrationMethod === undefined)
    i.integrationMethod = "POST";
  const problem = integrationTargetProblem(i.integrationType, i.integrationMethod, i.integrationUri);
  if (problem !== undefined) throw badRequest(problem);
  if (i.integrationType === "MOCK") delete i.integrationUri;
  if (i.connectionType === "VPC_LINK" && i.connectionId === undefined)
    throw badRequest("A connectionId is required when the connection type is VPC_LINK");
  switch (i.integrationType) {
    case "HTTP":
    case "MOCK":
      i.integrationResponseSelectionExpression = "${integration.response.statuscode}";
      break;
    case "AWS":
      i.integrationResponseSelectionExpression = "${integration.response.body.errorMessage}";
      break;
    default:
      delete i.integrationResponseSelectionExpression;
  }
}
