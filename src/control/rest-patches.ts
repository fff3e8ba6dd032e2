import type {
  Integration,
  IntegrationResponse,
  Method,
  MethodResponse,
  Resource,
  RestApiDefinition,
} from "../model/rest-api.ts";
import { badRequest } from "./errors.ts";
import { checkApiName, checkDescription } from "./limits.ts";
import { checkPolicy } from "./new-rest-api.ts";
import {
  asBoolean,
  asInteger,
  invalidPath,
  type PatchOperation,
  patchMap,
  pointer,
  requireValue,
} from "./patch-operations.ts";
import { createResource } from "./rest-entities/resources.ts";

/**
 * UpdateRestApi / UpdateResource / UpdateMethod / UpdateIntegration / Update…Response: the patch
 * paths AWS accepts for each, applied to a draft. An unknown path is a BadRequestException.
 */

const only = (op: PatchOperation, ...allowed: PatchOperation["op"][]) => {
  if (!allowed.includes(op.op)) throw badRequest(`Invalid patch operation ${op.op} for path ${op.path}`);
};

export function patchRestApi(def: RestApiDefinition, ops: readonly PatchOperation[]): void {
  const api = def.api;
  for (const op of ops) {
    const [field, ...rest] = pointer(op.path);
    const key = rest.join("/");
    switch (field) {
      case "name":
        only(op, "replace");
        api.name = requireValue(op);
        checkApiName(api.name);
        break;
      case "description":
      case "version":
        only(op, "replace", "add", "remove");
        if (op.op === "remove") delete api[field];
        else {
          api[field] = requireValue(op);
          if (field === "description") checkDescription(api.description);
        }
        break;
      case "policy":
        only(op, "replace", "add", "remove");
        if (op.op === "remove") delete api.policy;
        else {
          checkPolicy(requireValue(op));
          api.policy = op.value;
        }
        break;
      case "apiKeySource": {
        only(op, "replace");
        const v = requireValue(op);
        if (v !== "HEADER" && v !== "AUTHORIZER") throw badRequest(`Invalid API Key source ${v}`);
        api.apiKeySource = v;
        break;
      }
      case "minimumCompressionSize":
        only(op, "replace", "remove");
        if (op.op === "remove" || op.value === "" || op.value === undefined)
          delete api.minimumCompressionSize;
        else api.minimumCompressionSize = asInteger(op, 0, 10_485_760);
        break;
      case "disableExecuteApiEndpoint":
        only(op, "replace");
        api.disableExecuteApiEndpoint = asBoolean(op);
        break;
      case "binaryMediaTypes": {
        if (key === "") throw invalidPath(op);
        const types = new Set(api.binaryMediaTypes ?? []);
        if (op.op === "add") types.add(key);
        else if (op.op === "remove") types.delete(key);
        else if (op.op === "replace") {
          types.delete(key);
          types.add(requireValue(op));
        } else throw invalidPath(op);
        api.binaryMediaTypes = [...types];
        break;
      }
      case "endpointConfiguration": {
        if (rest[0] !== "types" || rest[1] === undefined) throw invalidPath(op);
        only(op, "replace");
        const to = requireValue(op);
        if (to !== "EDGE" && to !== "REGIONAL" && to !== "PRIVATE")
          throw badRequest(`Invalid endpoint type ${to}`);
        api.endpointConfiguration.types = [to];
        break;
      }
      default:
        throw invalidPath(op);
    }
  }
}

/** UpdateResource: `/pathPart` (renames the subtree's paths) and `/parentId` (moves it). */
export function patchResource(
  def: RestApiDefinition,
  resource: Resource,
  ops: readonly PatchOperation[],
): void {
  for (const op of ops) {
    only(op, "replace");
    if (op.path !== "/pathPart" && op.path !== "/parentId") throw invalidPath(op);
    if (resource.id === def.api.rootResourceId) throw badRequest("Cannot modify the root resource");
    const pathPart = op.path === "/pathPart" ? requireValue(op) : resource.pathPart!;
    const parentId = op.path === "/parentId" ? requireValue(op) : resource.parentId!;
    // Re-create under the new name/parent to reuse the validation, then keep the id and children.
    const oldPath = resource.path;
    delete def.resources[resource.id];
    const probe = createResource(def, parentId, pathPart);
    delete def.resources[probe.id];
    resource.parentId = parentId;
    resource.pathPart = pathPart;
    resource.path = probe.path;
    def.resources[resource.id] = resource;
    for (const r of Object.values(def.resources)) {
      if (r.path.startsWith(`${oldPath}/`)) r.path = probe.path + r.path.slice(oldPath.length);
    }
  }
}

export function patchMethod(method: Method, ops: readonly PatchOperation[]): void {
  for (const op of ops) {
    const [field, ...rest] = pointer(op.path);
    const key = rest.join("/");
    switch (field) {
      case "authorizationType": {
        only(op, "replace");
        const v = requireValue(op).toUpperCase();
        if (!["NONE", "AWS_IAM", "CUSTOM", "COGNITO_USER_POOLS"].includes(v))
          throw badRequest(`Invalid authorization type specified: ${v}`);
        method.authorizationType = v as Method["authorizationType"];
        break;
      }
      case "authorizerId":
      case "operationName":
      case "requestValidatorId":
        only(op, "replace", "add", "remove");
        if (op.op === "remove") delete method[field];
        else method[field] = requireValue(op);
        break;
      case "apiKeyRequired":
        only(op, "replace");
        method.apiKeyRequired = asBoolean(op);
        break;
      case "requestParameters":
        if (key === "") throw invalidPath(op);
        method.requestParameters = patchMap(method.requestParameters, key, op, (o) =>
          o.value === undefined ? false : asBoolean(o),
        );
        break;
      case "requestModels":
        if (key === "") throw invalidPath(op);
        method.requestModels = patchMap(method.requestModels, key, op, requireValue);
        break;
      case "authorizationScopes": {
        const scopes = new Set(method.authorizationScopes ?? []);
        if (op.op === "add") scopes.add(requireValue(op));
        else if (op.op === "remove") scopes.delete(op.value ?? key);
        else throw invalidPath(op);
        method.authorizationScopes = [...scopes];
        break;
      }
      default:
        throw invalidPath(op);
    }
  }
}

export function patchIntegration(integration: Integration, ops: readonly PatchOperation[]): void {
  for (const op of ops) {
    const [field, ...rest] = pointer(op.path);
    const key = rest.join("/");
    switch (field) {
      case "uri":
      case "credentials":
      case "cacheNamespace":
      case "connectionId":
        only(op, "replace", "add", "remove");
        if (op.op === "remove") delete integration[field];
        else integration[field] = requireValue(op);
        break;
      case "httpMethod":
        only(op, "replace");
        integration.httpMethod = requireValue(op).toUpperCase();
        break;
      case "passthroughBehavior": {
        only(op, "replace");
        const v = requireValue(op).toUpperCase();
        if (!["WHEN_NO_MATCH", "WHEN_NO_TEMPLATES", "NEVER"].includes(v))
          throw badRequest(`Invalid passthrough behavior specified: ${v}`);
        integration.passthroughBehavior = v as Integration["passthroughBehavior"];
        break;
      }
      case "timeoutInMillis":
        only(op, "replace");
        integration.timeoutInMillis = asInteger(
          op,
          50,
          29_000,
          "Timeout should be between 50 ms and 29000 ms",
        );
        break;
      case "contentHandling":
        only(op, "replace", "remove");
        if (op.op === "remove") delete integration.contentHandling;
        else integration.contentHandling = requireValue(op) as Integration["contentHandling"];
        break;
      case "requestParameters":
        if (key === "") throw invalidPath(op);
        integration.requestParameters = patchMap(integration.requestParameters, key, op, requireValue);
        break;
      case "requestTemplates":
        if (key === "") throw invalidPath(op);
        integration.requestTemplates = patchMap(integration.requestTemplates, key, op, (o) => o.value ?? "");
        break;
      case "cacheKeyParameters": {
        const params = new Set(integration.cacheKeyParameters);
        if (op.op === "add") params.add(key || requireValue(op));
        else if (op.op === "remove") params.delete(key || requireValue(op));
        else throw invalidPath(op);
        integration.cacheKeyParameters = [...params];
        break;
      }
      default:
        throw invalidPath(op);
    }
  }
}

export function patchMethodResponse(response: MethodResponse, ops: readonly PatchOperation[]): void {
  for (const op of ops) {
    const [field, ...rest] = pointer(op.path);
    const key = rest.join("/");
    if (field === "responseParameters" && key !== "") {
      response.responseParameters = patchMap(response.responseParameters, key, op, (o) =>
        o.value === undefined ? false : asBoolean(o),
      );
    } else if (field === "responseModels" && key !== "") {
      response.responseModels = patchMap(response.responseModels, key, op, requireValue);
    } else throw invalidPath(op);
  }
}

export function patchIntegrationResponse(
  response: IntegrationResponse,
  ops: readonly PatchOperation[],
): void {
  for (const op of ops) {
    const [field, ...rest] = pointer(op.path);
    const key = rest.join("/");
    if (field === "selectionPattern") {
      only(op, "replace", "remove");
      if (op.op === "remove" || !op.value) delete response.selectionPattern;
      else response.selectionPattern = op.value;
    } else if (field === "contentHandling") {
      only(op, "replace", "remove");
      if (op.op === "remove") delete response.contentHandling;
      else response.contentHandling = requireValue(op) as IntegrationResponse["contentHandling"];
    } else if (field === "responseParameters" && key !== "") {
      response.responseParameters = patchMap(response.responseParameters, key, op, requireValue);
    } else if (field === "responseTemplates" && key !== "") {
      response.responseTemplates = patchMap(response.responseTemplates, key, op, (o) => o.value ?? "");
    } else throw invalidPath(op);
  }
}
