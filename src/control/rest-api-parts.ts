import { authorizerUriProblem } from "../integrations/integration-target.ts";
import { AWS_QUOTAS } from "../model/aws-quotas.ts";
import {
  GATEWAY_RESPONSE_TYPES,
  type GatewayResponseType,
  isGatewayResponseType,
} from "../model/gateway-response-types.ts";
import { newModelId } from "../model/ids.ts";
import type {
  Authorizer,
  GatewayResponseSetting,
  Model,
  RequestValidator,
  RestApiDefinition,
} from "../model/rest-api.ts";
import { patternProblem } from "../regex/java-pattern.ts";
import { badRequest, ControlError, notFound } from "./errors.ts";
import { checkCount } from "./limits.ts";
import {
  asBoolean,
  asInteger,
  invalidPath,
  type PatchOperation,
  patchMap,
  pointer,
  requireValue,
} from "./patch-operations.ts";

/**
 * The REST API's other parts — Models, RequestValidators, Authorizers, GatewayResponses — as edits
 * of a draft definition, with AWS's validation. They are frozen into deployments with the rest.
 */

const conflict = (message: string) => new ControlError("ConflictException", message);

// ---- Models (addressed by name) ----

function checkSchema(schema: unknown): string | undefined {
  if (schema === undefined || schema === null) return undefined;
  if (typeof schema !== "string") throw badRequest("Invalid model schema specified: must be a JSON string");
  try {
    JSON.parse(schema);
  } catch {
    throw badRequest("Invalid model schema specified. Model schema must be valid JSON");
  }
  return schema;
}

export function findModel(def: RestApiDefinition, name: string): Model {
  const model = Object.values(def.models).find((m) => m.name === name);
  if (model === undefined) throw notFound("Invalid model name specified");
  return model;
}

export function createModel(def: RestApiDefinition, body: Record<string, unknown>): Model {
  const name = body.name;
  if (typeof name !== "string" || !/^[A-Za-z0-9]+$/.test(name))
    throw badRequest("Model name must be alphanumeric");
  if (typeof body.contentType !== "string" || body.contentType === "")
    throw badRequest("Content type must be specified");
  if (Object.values(def.models).some((m) => m.name === name))
    throw conflict("Model name already exists for this REST API");
  const model: Model = { id: newModelId(), name, contentType: body.contentType };
  const schema = checkSchema(body.schema);
  if (schema !== undefined) model.schema = schema;
  if (typeof body.description === "string") model.description = body.description;
  def.models[model.id] = model;
  return model;
}

export function patchModel(model: Model, ops: readonly PatchOperation[]): void {
  for (const op of ops) {
    if (op.path === "/description") model.description = requireValue(op);
    else if (op.path === "/schema") model.schema = checkSchema(requireValue(op));
    else throw invalidPath(op);
  }
}

export function deleteModel(def: RestApiDefinition, name: string): void {
  const model = findModel(def, name);
  for (const resource of Object.values(def.resources)) {
    for (const method of Object.values(resource.resourceMethods ?? {})) {
      if (Object.values(method.requestModels ?? {}).includes(name)) {
        throw badRequest(
          `Cannot delete model '${name}', is referenced in method request: ${resource.path}/${method.httpMethod}`,
        );
      }
    }
  }
  delete def.models[model.id];
}

// ---- Request validators ----

export function findValidator(def: RestApiDefinition, id: string): RequestValidator {
  const v = def.requestValidators?.[id];
  if (v === undefined) throw notFound("Invalid Request Validator identifier specified");
  return v;
}

export function createValidator(def: RestApiDefinition, body: Record<string, unknown>): RequestValidator {
  if (typeof body.name !== "string" || body.name === "")
    throw badRequest("Request Validator name must be specified");
  const validator: RequestValidator = {
    id: newModelId(),
    name: body.name,
    validateRequestBody: body.validateRequestBody === true,
    validateRequestParameters: body.validateRequestParameters === true,
  };
  def.requestValidators ??= {};
  def.requestValidators[validator.id] = validator;
  return validator;
}

export function patchValidator(v: RequestValidator, ops: readonly PatchOperation[]): void {
  for (const op of ops) {
    if (op.path === "/name") v.name = requireValue(op);
    else if (op.path === "/validateRequestBody") v.validateRequestBody = asBoolean(op);
    else if (op.path === "/validateRequestParameters") v.validateRequestParameters = asBoolean(op);
    else throw invalidPath(op);
  }
}

export function deleteValidator(def: RestApiDefinition, id: string): void {
  findValidator(def, id);
  delete def.requestValidators![id];
}

// ---- Authorizers ----

const AUTHORIZER_TYPES = new Set(["TOKEN", "REQUEST", "COGNITO_USER_POOLS"]);

function checkAuthorizer(a: Authorizer): void {
  if (!AUTHORIZER_TYPES.has(a.type))
    throw badRequest(
      `Invalid authorizer type ${a.type}. Valid options are TOKEN, REQUEST, COGNITO_USER_POOLS`,
    );
  if (a.type === "COGNITO_USER_POOLS") {
    if (!a.providerARNs?.length)
      throw badRequest("ProviderARNs need to be specified for authorizer of type COGNITO_USER_POOLS");
  } else {
    const problem = authorizerUriProblem(a.authorizerUri);
    if (problem !== undefined) throw badRequest(problem);
  }
  if (
    a.type !== "REQUEST" &&
    (a.identitySource === undefined || !/^method\.request\.header\.[^,]+$/.test(a.identitySource))
  ) {
    throw badRequest("Invalid identity source specified: a single method.request.header.NAME is required");
  }
  const ttl = a.authorizerResultTtlInSeconds ?? 300;
  if (!Number.isInteger(ttl) || ttl < 0 || ttl > 3600)
    throw badRequest("Invalid authorizer TTL specified: must be between 0 and 3600");
  // Checked as it will run: on RE2, which has no backreferences or lookaround.
  if (
    a.identityValidationExpression !== undefined &&
    patternProblem(a.identityValidationExpression) !== undefined
  )
    throw badRequest("Invalid identity validation expression specified");
}

export function findAuthorizer(def: RestApiDefinition, id: string): Authorizer {
  const a = def.authorizers?.[id];
  if (a === undefined) throw notFound("Invalid Authorizer identifier specified");
  return a;
}

export function createAuthorizer(def: RestApiDefinition, body: Record<string, unknown>): Authorizer {
  if (typeof body.name !== "string" || body.name === "")
    throw badRequest("Authorizer name must be specified");
  const a: Authorizer = {
    id: newModelId(),
    name: body.name,
    type: String(body.type ?? "") as Authorizer["type"],
  };
  for (const key of [
    "authType",
    "authorizerUri",
    "authorizerCredentials",
    "identitySource",
    "identityValidationExpression",
  ] as const) {
    if (typeof body[key] === "string") a[key] = body[key] as string;
  }
  if (Array.isArray(body.providerARNs)) a.providerARNs = body.providerARNs.map(String);
  a.authorizerResultTtlInSeconds =
    body.authorizerResultTtlInSeconds === undefined ? 300 : Number(body.authorizerResultTtlInSeconds);
  checkAuthorizer(a);
  checkCount(Object.keys(def.authorizers ?? {}).length, AWS_QUOTAS.authorizersPerApi, "Authorizers");
  def.authorizers ??= {};
  def.authorizers[a.id] = a;
  return a;
}

export function patchAuthorizer(a: Authorizer, ops: readonly PatchOperation[]): void {
  for (const op of ops) {
    const [field, ...rest] = pointer(op.path);
    switch (field) {
      case "name":
      case "authorizerUri":
      case "authorizerCredentials":
      case "identitySource":
      case "identityValidationExpression":
      case "authType":
        if (op.op === "remove" && field !== "name") delete a[field];
        else a[field] = requireValue(op);
        break;
      case "type":
        a.type = requireValue(op) as Authorizer["type"];
        break;
      case "authorizerResultTtlInSeconds":
        a.authorizerResultTtlInSeconds = asInteger(op, 0, 3600);
        break;
      case "providerARNs": {
        const arns = new Set(a.providerARNs ?? []);
        const arn = op.value ?? rest.join("/");
        if (op.op === "add") arns.add(arn);
        else if (op.op === "remove") arns.delete(arn);
        else throw invalidPath(op);
        a.providerARNs = [...arns];
        break;
      }
      default:
        throw invalidPath(op);
    }
  }
  checkAuthorizer(a);
}

export function deleteAuthorizer(def: RestApiDefinition, id: string): void {
  findAuthorizer(def, id);
  for (const resource of Object.values(def.resources)) {
    for (const method of Object.values(resource.resourceMethods ?? {})) {
      if (method.authorizerId === id)
        throw conflict(
          "Cannot delete authorizer, is referenced in method: " + `${resource.path}/${method.httpMethod}`,
        );
    }
  }
  delete def.authorizers![id];
}

// ---- Gateway responses ----

const DEFAULT_TEMPLATES = { "application/json": '{"message":$context.error.messageString}' };

function checkType(type: string): asserts type is GatewayResponseType {
  if (!isGatewayResponseType(type)) throw badRequest(`Invalid gateway response type specified: ${type}`);
}

/** The effective setting of a type: the customised one, else AWS's default. */
export function gatewayResponse(def: RestApiDefinition, type: string): GatewayResponseSetting {
  checkType(type);
  const custom = def.gatewayResponses?.[type];
  if (custom) return custom;
  const status = GATEWAY_RESPONSE_TYPES[type];
  return {
    responseType: type,
    ...(status ? { statusCode: status } : {}),
    responseParameters: {},
    responseTemplates: { ...DEFAULT_TEMPLATES },
    defaultResponse: true,
  };
}

export function putGatewayResponse(
  def: RestApiDefinition,
  type: string,
  body: Record<string, unknown>,
): GatewayResponseSetting {
  checkType(type);
  const setting: GatewayResponseSetting = { responseType: type, defaultResponse: false };
  if (body.statusCode !== undefined) {
    const status = String(body.statusCode);
    if (!/^[1-5]\d\d$/.test(status)) throw badRequest("Invalid status code specified");
    setting.statusCode = status;
  } else if (GATEWAY_RESPONSE_TYPES[type]) setting.statusCode = GATEWAY_RESPONSE_TYPES[type];
  setting.responseParameters = (body.responseParameters as Record<string, string> | undefined) ?? {};
  for (const key of Object.keys(setting.responseParameters)) {
    if (!key.startsWith("gatewayresponse.header."))
      throw badRequest(`Invalid mapping expression specified: ${key}`);
  }
  setting.responseTemplates = (body.responseTemplates as Record<string, string> | undefined) ?? {
    ...DEFAULT_TEMPLATES,
  };
  def.gatewayResponses ??= {};
  def.gatewayResponses[type] = setting;
  return setting;
}

export function patchGatewayResponse(
  def: RestApiDefinition,
  type: string,
  ops: readonly PatchOperation[],
): GatewayResponseSetting {
  const setting = structuredClone(gatewayResponse(def, type));
  setting.defaultResponse = false;
  for (const op of ops) {
    const [field, ...rest] = pointer(op.path);
    const key = rest.join("/");
    if (field === "statusCode") setting.statusCode = requireValue(op);
    else if (field === "responseParameters" && key)
      setting.responseParameters = patchMap(setting.responseParameters, key, op, requireValue) ?? {};
    else if (field === "responseTemplates" && key)
      setting.responseTemplates = patchMap(setting.responseTemplates, key, op, requireValue) ?? {};
    else throw invalidPath(op);
  }
  def.gatewayResponses ??= {};
  def.gatewayResponses[type] = setting;
  return setting;
}

export function deleteGatewayResponse(def: RestApiDefinition, type: string): void {
  checkType(type);
  if (def.gatewayResponses?.[type] === undefined)
    throw notFound("Invalid Gateway Response identifier specified");
  delete def.gatewayResponses[type];
}
