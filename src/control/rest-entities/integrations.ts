import { integrationTargetProblem } from "../../integrations/integration-target.ts";
import type { Integration, RestApiDefinition } from "../../model/rest-api.ts";
import { badRequest, notInEnum, validationError } from "../errors.ts";
import { findIntegration, findMethod } from "./lookup.ts";
import { stringMap, templateMap } from "./member-maps.ts";

// In the order AWS's own message lists them.
const INTEGRATION_TYPES = ["HTTP", "MOCK", "AWS_PROXY", "HTTP_PROXY", "AWS"];
const CONNECTION_TYPES = ["INTERNET", "VPC_LINK"];
export const CONTENT_HANDLING = ["CONVERT_TO_BINARY", "CONVERT_TO_TEXT"];
const PASSTHROUGH = new Set(["WHEN_NO_MATCH", "WHEN_NO_TEMPLATES", "NEVER"]);

/** PutIntegration's members checked against the service model, before anything is looked up. */
export function checkIntegrationInput(body: Record<string, unknown>): void {
  const failures: string[] = [];
  if (body.type === undefined || body.type === null) {
    failures.push(
      "Value null at 'putIntegrationInput.type' failed to satisfy constraint: Member must not be null",
    );
  } else if (!INTEGRATION_TYPES.includes(String(body.type))) {
    failures.push(notInEnum(String(body.type), "putIntegrationInput.type", INTEGRATION_TYPES));
  }
  if (typeof body.connectionType === "string" && !CONNECTION_TYPES.includes(body.connectionType))
    failures.push(notInEnum(body.connectionType, "putIntegrationInput.connectionType", CONNECTION_TYPES));
  if (typeof body.contentHandling === "string" && !CONTENT_HANDLING.includes(body.contentHandling))
    failures.push(notInEnum(body.contentHandling, "putIntegrationInput.contentHandling", CONTENT_HANDLING));
  if (failures.length > 0) throw validationError(failures);
}

/**
 * PutIntegration, with AWS's validation in AWS's order: the model's constraints, then the method,
 * then the target (src/integrations/integration-target.ts), then the settings. What AWS echoes by
 * default (connectionType, cacheNamespace, …) is added on the way out (src/admin/wire-shapes.ts).
 */
export function putIntegration(
  def: RestApiDefinition,
  resourceId: string,
  httpMethod: string,
  body: Record<string, unknown>,
): Integration {
  checkIntegrationInput(body);
  const method = findMethod(def, resourceId, httpMethod);
  const type = String(body.type) as Integration["type"];
  const integrationHttpMethod = body.httpMethod ?? body.integrationHttpMethod;
  const uri = typeof body.uri === "string" ? body.uri : undefined;
  const problem = integrationTargetProblem(
    type,
    typeof integrationHttpMethod === "string" ? integrationHttpMethod : undefined,
    uri,
  );
  if (problem !== undefined) throw badRequest(problem);
  const passthroughBehavior = String(body.passthroughBehavior ?? "WHEN_NO_MATCH").toUpperCase();
  if (!PASSTHROUGH.has(passthroughBehavior))
    throw badRequest(`Invalid passthrough behavior specified: ${passthroughBehavior}`);
  const timeout = body.timeoutInMillis === undefined ? 29_000 : Number(body.timeoutInMillis);
  if (!Number.isInteger(timeout) || timeout < 50 || timeout > 29_000) {
    throw badRequest("Timeout should be between 50 ms and 29000 ms");
  }
  const integration: Integration = {
    type,
    passthroughBehavior: passthroughBehavior as Integration["passthroughBehavior"],
    timeoutInMillis: timeout,
    cacheNamespace: typeof body.cacheNamespace === "string" ? body.cacheNamespace : resourceId,
    cacheKeyParameters: Array.isArray(body.cacheKeyParameters) ? body.cacheKeyParameters.map(String) : [],
  };
  if (typeof integrationHttpMethod === "string") integration.httpMethod = integrationHttpMethod.toUpperCase();
  // A MOCK integration calls nothing: AWS accepts a uri and does not keep it.
  if (uri !== undefined && type !== "MOCK") integration.uri = uri;
  if (typeof body.credentials === "string") integration.credentials = body.credentials;
  const requestParameters = stringMap(body.requestParameters, "requestParameters");
  if (requestParameters) integration.requestParameters = requestParameters;
  const requestTemplates = templateMap(body.requestTemplates, "requestTemplates");
  if (requestTemplates) integration.requestTemplates = requestTemplates;
  if (typeof body.contentHandling === "string")
    integration.contentHandling = body.contentHandling as Integration["contentHandling"];
  if (typeof body.connectionType === "string")
    integration.connectionType = body.connectionType as Integration["connectionType"];
  if (typeof body.connectionId === "string") integration.connectionId = body.connectionId;
  if (typeof body.tlsConfig === "object" && body.tlsConfig !== null)
    integration.tlsConfig = body.tlsConfig as Integration["tlsConfig"];
  method.methodIntegration = integration;
  return integration;
}

export function deleteIntegration(def: RestApiDefinition, resourceId: string, httpMethod: string): void {
  findIntegration(def, resourceId, httpMethod);
  delete findMethod(def, resourceId, httpMethod).methodIntegration;
}
