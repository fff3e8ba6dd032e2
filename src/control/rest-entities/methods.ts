import { HTTP_METHODS, type HttpMethod, type Method, type RestApiDefinition } from "../../model/rest-api.ts";
import { badRequest } from "../errors.ts";
import { findMethod, findResource } from "./lookup.ts";
import { booleanMap, stringMap } from "./member-maps.ts";

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
