import { integrationTargetProblem } from "../integrations/integration-target.ts";
import { AWS_QUOTAS } from "../model/aws-quotas.ts";
import { newResourceId } from "../model/ids.ts";
import {
  HTTP_METHODS,
  type HttpMethod,
  type Integration,
  type IntegrationResponse,
  type Method,
  type MethodResponse,
  type Resource,
  type RestApiDefinition,
} from "../model/rest-api.ts";
import { isVariable } from "../openapi/path-parts.ts";
import { patternProblem } from "../regex/java-pattern.ts";
import { badRequest, ControlError, notFound, notInEnum, validationError } from "./errors.ts";
import { checkCount } from "./limits.ts";

/**
 * The REST API's child resources (Resource, Method, Integration, MethodResponse, IntegrationResponse)
 * as pure edits of a draft definition, with AWS's validation and messages. The caller stores the
 * draft only when the edit returns.
 */

const PATH_PART = /^(?:[A-Za-z0-9._\-,:]+|\{[A-Za-z0-9._-]+\+?\})$/;

export function findResource(def: RestApiDefinition, resourceId: string): Resource {
  const resource = def.resources[resourceId];
  if (resource === undefined) throw notFound("Invalid Resource identifier specified");
  return resource;
}

export function findMethod(def: RestApiDefinition, resourceId: string, httpMethod: string): Method {
  const method = findResource(def, resourceId).resourceMethods?.[httpMethod.toUpperCase()];
  if (method === undefined) throw notFound("Invalid Method identifier specified");
  return method;
}

export function findIntegration(def: RestApiDefinition, resourceId: string, httpMethod: string): Integration {
  const integration = findMethod(def, resourceId, httpMethod).methodIntegration;
  if (integration === undefined) throw notFound("Invalid Integration identifier specified");
  return integration;
}

/** CreateResource under `parentId`, with AWS's path-part rules. */
export function createResource(def: RestApiDefinition, parentId: string, pathPart: unknown): Resource {
  const parent = findResource(def, parentId);
  if (typeof pathPart !== "string" || !PATH_PART.test(pathPart)) {
    throw badRequest(
      "Resource's path part only allow a-zA-Z0-9._- and curly braces at the beginning and the end and an optional plus sign before the closing brace.",
    );
  }
  if (parent.pathPart?.endsWith("+}")) {
    throw badRequest(`Cannot create a child of a resource with a greedy path variable: ${parent.pathPart}`);
  }
  const siblings = Object.values(def.resources).filter((r) => r.parentId === parentId);
  if (siblings.some((r) => r.pathPart === pathPart)) {
    throw new ControlError(
      "ConflictException",
      `Another resource with the same parent already has this name: ${pathPart}`,
    );
  }
  const variableSibling = isVariable(pathPart)
    ? siblings.find((r) => r.pathPart !== undefined && isVariable(r.pathPart))
    : undefined;
  if (variableSibling) {
    throw badRequest(
      `A sibling (${variableSibling.pathPart}) of this resource already has a variable path part -- only one is allowed`,
    );
  }
  checkCount(Object.keys(def.resources).length, AWS_QUOTAS.resourcesPerApi, "Resources");
  const id = newResourceId();
  const resource: Resource = {
    id,
    parentId,
    pathPart,
    path: `${parent.path === "/" ? "" : parent.path}/${pathPart}`,
  };
  def.resources[id] = resource;
  return resource;
}

/** DeleteResource: the resource and everything below it. The root cannot be deleted. */
export function deleteResource(def: RestApiDefinition, resourceId: string): void {
  findResource(def, resourceId);
  if (resourceId === def.api.rootResourceId) throw badRequest("Cannot delete the root resource");
  const doomed = new Set([resourceId]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const r of Object.values(def.resources)) {
      if (r.parentId !== undefined && doomed.has(r.parentId) && !doomed.has(r.id)) {
        doomed.add(r.id);
        grew = true;
      }
    }
  }
  for (const id of doomed) delete def.resources[id];
}

function checkHttpMethod(httpMethod: string): HttpMethod {
  const upper = httpMethod.toUpperCase();
  if (!(HTTP_METHODS as readonly string[]).includes(upper)) {
    throw badRequest(
      "Invalid HttpMethod specified. Valid options are GET,PUT,POST,DELETE,PATCH,OPTIONS,HEAD,ANY",
    );
  }
  return upper as HttpMethod;
}

const AUTH_TYPES = new Set(["NONE", "AWS_IAM", "CUSTOM", "COGNITO_USER_POOLS"]);

function booleanMap(value: unknown, name: string): Record<string, boolean> | undefined {
  if (value === undefined || value === null) return undefined;
  if (
    typeof value !== "object" ||
    Array.isArray(value) ||
    Object.values(value).some((v) => typeof v !== "boolean")
  ) {
    throw badRequest(`Invalid ${name}: expected a map of booleans`);
  }
  return value as Record<string, boolean>;
}

/** What AWS's JSON deserialiser answers for a value that is not the string a member needs. */
function notAString(value: unknown): ControlError {
  const javaClass =
    typeof value === "boolean"
      ? "java.lang.Boolean"
      : typeof value === "number"
        ? "com.amazon.coral.value.json.numbers.TruncatingBigNumber"
        : undefined;
  if (javaClass !== undefined)
    return new ControlError("SerializationException", `class ${javaClass} can not be converted to an String`);
  return new ControlError(
    "SerializationException",
    Array.isArray(value)
      ? "Start of list found where not expected"
      : "Start of structure or map found where not expected.",
  );
}

function stringMap(value: unknown, name: string): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) throw notAString(value);
  for (const v of Object.values(value)) {
    if (v === null) throw badRequest(`Invalid ${name}: expected a map of strings`);
    if (typeof v !== "string") throw notAString(v);
  }
  return value as Record<string, string>;
}

const MEDIA_TYPE = /^[^\s/]+\/[^\s/]+/;

/** Mapping templates, keyed by the content type they apply to (AWS refuses a key that is not one). */
function templateMap(value: unknown, name: string): Record<string, string> | undefined {
  const templates = stringMap(value, name);
  for (const contentType of Object.keys(templates ?? {})) {
    if (!MEDIA_TYPE.test(contentType))
      throw badRequest(
        `Validation Result: warnings : [], errors : [Invalid content type specified: ${contentType}]`,
      );
  }
  return templates;
}

/** PutMethod: creates or replaces the method (replacing drops its integration, as AWS does). */
export function putMethod(
  def: RestApiDefinition,
  resourceId: string,
  httpMethod: string,
  body: Record<string, unknown>,
): Method {
  const resource = findResource(def, resourceId);
  const verb = checkHttpMethod(httpMethod);
  const authorizationType = String(body.authorizationType ?? "NONE").toUpperCase();
  if (!AUTH_TYPES.has(authorizationType))
    throw badRequest(`Invalid authorization type specified: ${authorizationType}`);
  if (
    (authorizationType === "CUSTOM" || authorizationType === "COGNITO_USER_POOLS") &&
    typeof body.authorizerId !== "string"
  ) {
    throw badRequest(
      "Invalid authorizer ID specified. Setting the authorization type to CUSTOM or COGNITO_USER_POOLS requires a valid authorizer.",
    );
  }
  const method: Method = {
    httpMethod: verb,
    authorizationType: authorizationType as Method["authorizationType"],
    apiKeyRequired: body.apiKeyRequired === true,
  };
  if (typeof body.authorizerId === "string") {
    if (def.authorizers?.[body.authorizerId] === undefined) {
      throw badRequest(
        "Invalid authorizer ID specified. Setting the authorization type to CUSTOM or COGNITO_USER_POOLS requires a valid authorizer.",
      );
    }
    method.authorizerId = body.authorizerId;
  }
  if (typeof body.operationName === "string") method.operationName = body.operationName;
  if (Array.isArray(body.authorizationScopes))
    method.authorizationScopes = body.authorizationScopes.map(String);
  if (typeof body.requestValidatorId === "string") {
    if (def.requestValidators?.[body.requestValidatorId] === undefined)
      throw badRequest("Invalid Request Validator identifier specified");
    method.requestValidatorId = body.requestValidatorId;
  }
  const requestParameters = booleanMap(body.requestParameters, "requestParameters");
  if (requestParameters) method.requestParameters = requestParameters;
  const requestModels = stringMap(body.requestModels, "requestModels");
  if (requestModels) {
    const names = new Set(Object.values(def.models).map((m) => m.name));
    for (const model of Object.values(requestModels)) {
      if (!names.has(model)) throw badRequest(`Invalid model identifier specified: ${model}`);
    }
    method.requestModels = requestModels;
  }
  resource.resourceMethods ??= {};
  resource.resourceMethods[verb] = method;
  return method;
}

export function deleteMethod(def: RestApiDefinition, resourceId: string, httpMethod: string): void {
  findMethod(def, resourceId, httpMethod);
  const resource = findResource(def, resourceId);
  delete resource.resourceMethods![httpMethod.toUpperCase()];
  if (Object.keys(resource.resourceMethods!).length === 0) delete resource.resourceMethods;
}

// In the order AWS's own message lists them.
const INTEGRATION_TYPES = ["HTTP", "MOCK", "AWS_PROXY", "HTTP_PROXY", "AWS"];
const CONNECTION_TYPES = ["INTERNET", "VPC_LINK"];
const CONTENT_HANDLING = ["CONVERT_TO_BINARY", "CONVERT_TO_TEXT"];
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
