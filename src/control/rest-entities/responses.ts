import type { IntegrationResponse, MethodResponse, RestApiDefinition } from "../../model/rest-api.ts";
import { patternProblem } from "../../regex/java-pattern.ts";
import { badRequest, notFound, notInEnum, validationError } from "../errors.ts";
import { CONTENT_HANDLING } from "./integrations.ts";
import { findIntegration, findMethod, findResource } from "./lookup.ts";
import { booleanMap, stringMap, templateMap } from "./member-maps.ts";

/** A method's and an integration's responses, each keyed by its status code. */

/**
 * The status code of a method or integration response is checked against the service model's
 * pattern before anything is looked up, as AWS's request validation does.
 */
export function checkStatus(statusCode: string): void {
  if (!/^[1-5]\d\d$/.test(statusCode)) {
    throw validationError([
      `Value '${statusCode}' at 'statusCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [1-5]\\d\\d`,
    ]);
  }
}

export function putMethodResponse(
  def: RestApiDefinition,
  resourceId: string,
  httpMethod: string,
  statusCode: string,
  body: Record<string, unknown>,
): MethodResponse {
  checkStatus(statusCode);
  const method = findMethod(def, resourceId, httpMethod);
  const response: MethodResponse = { statusCode };
  const params = booleanMap(body.responseParameters, "responseParameters");
  if (params) response.responseParameters = params;
  const models = stringMap(body.responseModels, "responseModels");
  if (models) response.responseModels = models;
  method.methodResponses ??= {};
  method.methodResponses[statusCode] = response;
  return response;
}

export function findMethodResponse(
  def: RestApiDefinition,
  resourceId: string,
  httpMethod: string,
  statusCode: string,
): MethodResponse {
  checkStatus(statusCode);
  const response = findMethod(def, resourceId, httpMethod).methodResponses?.[statusCode];
  if (response === undefined) throw notFound("Invalid Response status code specified");
  return response;
}

export function deleteMethodResponse(
  def: RestApiDefinition,
  resourceId: string,
  httpMethod: string,
  statusCode: string,
): void {
  findMethodResponse(def, resourceId, httpMethod, statusCode);
  delete findMethod(def, resourceId, httpMethod).methodResponses![statusCode];
}

/**
 * PutIntegrationResponse. AWS does not require a method response for the status code: the pair is
 * the caller's to keep consistent (an unmatched one only matters when a request selects it).
 */
export function putIntegrationResponse(
  def: RestApiDefinition,
  resourceId: string,
  httpMethod: string,
  statusCode: string,
  body: Record<string, unknown>,
): IntegrationResponse {
  checkStatus(statusCode);
  const integration = findIntegration(def, resourceId, httpMethod);
  const response: IntegrationResponse = { statusCode };
  if (typeof body.selectionPattern === "string") {
    // Checked as it will run: on RE2, which has no backreferences or lookaround. An empty pattern is
    // the default response, and AWS echoes it as given.
    if (body.selectionPattern !== "" && patternProblem(body.selectionPattern) !== undefined)
      throw badRequest(`Invalid selection pattern specified: ${body.selectionPattern}`);
    response.selectionPattern = body.selectionPattern;
  }
  const params = stringMap(body.responseParameters, "responseParameters");
  if (params) response.responseParameters = params;
  const templates = templateMap(body.responseTemplates, "responseTemplates");
  if (templates) response.responseTemplates = templates;
  if (typeof body.contentHandling === "string") {
    if (!CONTENT_HANDLING.includes(body.contentHandling))
      throw validationError([
        notInEnum(body.contentHandling, "putIntegrationResponseInput.contentHandling", CONTENT_HANDLING),
      ]);
    response.contentHandling = body.contentHandling as IntegrationResponse["contentHandling"];
  }
  integration.integrationResponses ??= {};
  integration.integrationResponses[statusCode] = response;
  return response;
}

export function findIntegrationResponse(
  def: RestApiDefinition,
  resourceId: string,
  httpMethod: string,
  statusCode: string,
): IntegrationResponse {
  checkStatus(statusCode);
  const response = findIntegration(def, resourceId, httpMethod).integrationResponses?.[statusCode];
  if (response === undefined) throw notFound("Invalid Response status code specified");
  return response;
}

/** DeleteIntegrationResponse: AWS names a missing method as a missing integration here. */
export function deleteIntegrationResponse(
  def: RestApiDefinition,
  resourceId: string,
  httpMethod: string,
  statusCode: string,
): void {
  checkStatus(statusCode);
  const method = findResource(def, resourceId).resourceMethods?.[httpMethod.toUpperCase()];
  if (method?.methodIntegration === undefined) throw notFound("Invalid Integration identifier specified");
  if (method.methodIntegration.integrationResponses?.[statusCode] === undefined)
    throw notFound("Invalid Response status code specified");
  delete method.methodIntegration.integrationResponses[statusCode];
}
