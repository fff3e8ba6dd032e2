import { awsServiceOf } from "../integrations/aws-arn.ts";
import { integrationTargetProblem } from "../integrations/integration-target.ts";
import { compileRequestParameters, MappingError } from "../integrations/request-parameters.ts";
import { JsonPathError } from "../mapping/jsonpath.ts";
import { AWS_QUOTAS } from "../model/aws-quotas.ts";
import { newApiId, newModelId, newResourceId } from "../model/ids.ts";
import type {
  Method,
  MethodResponse,
  Model,
  Resource,
  RestApi,
  RestApiDefinition,
} from "../model/rest-api.ts";
import { misplacedAuthWarning } from "./auth-extension.ts";
import { importError, tooManyResources } from "./errors.ts";
import { readIntegration } from "./integration-extension.ts";
import { OPERATION_METHODS } from "./operations.ts";
import { isObject, type OpenApiDocument } from "./parse-document.ts";
import { isVariable, pathParts } from "./path-parts.ts";
import { requestModels } from "./request-models.ts";
import { deref } from "./resolve-refs.ts";
import { applyRestApiExtensions } from "./rest-api-extensions.ts";
import { applyOperationSecurity, readSecuritySchemes } from "./rest-security.ts";

const PATH_ITEM_KEYS = new Set(["parameters", "summary", "description", "servers", "$ref"]);
const LOCATIONS: Record<string, string> = { path: "path", query: "querystring", header: "header" };

export interface ImportOptions {
  /** The API being overwritten: its id, root and resource ids (by path) are kept. */
  existing?: RestApiDefinition;
  /** A fixed id for a new API. */
  apiId?: string;
  now?: number;
}

function parameters(doc: OpenApiDocument, list: unknown, out: Record<string, boolean>, where: string): void {
  if (list === undefined) return;
  if (!Array.isArray(list)) throw importError(`Invalid OpenAPI input: ${where}.parameters must be a list`);
  for (const raw of list) {
    const p = deref(doc.root, raw);
    if (!isObject(p) || typeof p.name !== "string" || typeof p.in !== "string") {
      throw importError(`Invalid OpenAPI input: ${where}: every parameter needs 'name' and 'in'`);
    }
    const location = LOCATIONS[p.in];
    if (location === undefined) continue; // body/formData/cookie parameters are not request parameters
    out[`method.request.${location}.${p.name}`] = p.in === "path" ? true : p.required === true;
  }
}

function methodResponses(
  doc: OpenApiDocument,
  responses: unknown,
): Record<string, MethodResponse> | undefined {
  if (!isObject(responses)) return undefined;
  const out: Record<string, MethodResponse> = {};
  for (const [code, raw] of Object.entries(responses)) {
    if (!/^[1-5]\d\d$/.test(code)) continue;
    const r = deref(doc.root, raw);
    const response: MethodResponse = { statusCode: code };
    if (isObject(r) && isObject(r.headers)) {
      response.responseParameters = Object.fromEntries(
        Object.keys(r.headers).map((h) => [`method.response.header.${h}`, false]),
      );
    }
    out[code] = response;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function models(
  doc: OpenApiDocument,
  warnings: string[],
  existing?: RestApiDefinition,
): Record<string, Model> {
  const byName = new Map(Object.values(existing?.models ?? {}).map((m) => [m.name, m.id]));
  const out: Record<string, Model> = {};
  const add = (name: string, schema: unknown, description?: string) => {
    // A document's own Empty/Error replaces AWS's default of the same name.
    const id = byName.get(name) ?? newModelId();
    byName.set(name, id);
    out[id] = { id, name, contentType: "application/json", schema: JSON.stringify(schema) };
    if (description !== undefined) out[id].description = description;
  };
  add(
    "Empty",
    { $schema: "http://json-schema.org/draft-04/schema#", title: "Empty Schema", type: "object" },
    "This is a default empty schema model",
  );
  add(
    "Error",
    {
      $schema: "http://json-schema.org/draft-04/schema#",
      title: "Error Schema",
      type: "object",
      properties: { message: { type: "string" } },
    },
    "This is a default error schema model",
  );
  const schemas =
    doc.version === "2.0"
      ? doc.root.definitions
      : isObject(doc.root.components)
        ? doc.root.components.schemas
        : undefined;
  if (isObject(schemas)) {
    for (const [name, schema] of Object.entries(schemas)) {
      if (!/^[A-Za-z0-9]+$/.test(name)) {
        warnings.push(`Model name '${name}' is not alphanumeric; the model was not imported`);
        continue;
      }
      add(name, schema);
    }
  }
  return out;
}

/**
 * ImportRestApi / PutRestApi(overwrite): an OpenAPI 2.0/3.0 document → a REST API definition.
 * Throws OpenApiImportError (BadRequestException) for what AWS refuses; returns warnings for what AWS
 * ignores.
 */
export function importRestApi(
  doc: OpenApiDocument,
  options: ImportOptions = {},
): { definition: RestApiDefinition; warnings: string[] } {
  const warnings = [...doc.warnings];
  const { existing } = options;
  const info = doc.root.info as Record<string, unknown>;
  const rootId = existing?.api.rootResourceId ?? newResourceId() + newResourceId().slice(0, 4);
  const oldIds = new Map(Object.values(existing?.resources ?? {}).map((r) => [r.path, r.id]));
  const api: RestApi = {
    id: existing?.api.id ?? options.apiId ?? newApiId(),
    name: String(info.title),
    createdDate: existing?.api.createdDate ?? options.now ?? Date.now(),
    apiKeySource: "HEADER",
    endpointConfiguration: existing?.api.endpointConfiguration ?? { types: ["EDGE"] },
    disableExecuteApiEndpoint: false,
    rootResourceId: rootId,
  };
  if (typeof info.description === "string") api.description = info.description;
  if (info.version !== undefined) api.version = String(info.version);
  if (existing?.api.tags) api.tags = existing.api.tags;
  const resources: Record<string, Resource> = { [rootId]: { id: rootId, path: "/" } };
  const definition: RestApiDefinition = { api, resources, models: {} };
  applyRestApiExtensions(doc.root, definition, warnings);
  const security = readSecuritySchemes(doc, definition, warnings);
  if (Array.isArray(doc.root.security) && doc.root.security.length > 0) {
    warnings.push(
      "security at the document root is ignored: API Gateway reads security per operation, so it secures no method",
    );
  }
  const validatorIds = new Map(Object.values(definition.requestValidators ?? {}).map((v) => [v.name, v.id]));
  const validatorFor = (name: unknown, where: string): string | undefined => {
    if (name === undefined) return undefined;
    const id = validatorIds.get(String(name));
    if (id === undefined)
      throw importError(`Invalid OpenAPI input: ${where}: request validator ${String(name)} is not defined`);
    return id;
  };
  const defaultValidator = validatorFor(
    doc.root["x-amazon-apigateway-request-validator"],
    "x-amazon-apigateway-request-validator",
  );
  const byPath = new Map<string, Resource>([["/", resources[rootId]!]]);
  // A parent's one variable child, so AWS's one-variable-sibling rule costs a lookup, not a scan.
  const variableChild = new Map<string, string>();
  let count = 1;
  const ensure = (parts: string[]): Resource => {
    let parent = resources[rootId]!;
    let path = "";
    for (const part of parts) {
      path += `/${part}`;
      let resource = byPath.get(path);
      if (resource === undefined) {
        if (parent.pathPart?.endsWith("+}")) {
          throw importError(
            `Invalid OpenAPI input: Cannot create a child of a resource with a greedy path variable: ${parent.pathPart}`,
          );
        }
        if (isVariable(part)) {
          const sibling = variableChild.get(parent.id);
          if (sibling !== undefined && sibling !== part) {
            throw importError(
              `Invalid OpenAPI input: A sibling (${sibling}) of this resource already has a variable path part -- only one is allowed`,
            );
          }
          variableChild.set(parent.id, part);
        }
        // AWS counts the root too, and refuses the whole document rather than importing part of it.
        if (++count > AWS_QUOTAS.resourcesPerApi) throw tooManyResources();
        const id = oldIds.get(path) ?? newResourceId();
        resource = { id, parentId: parent.id, pathPart: part, path };
        resources[id] = resource;
        byPath.set(path, resource);
      }
      parent = resource;
    }
    return parent;
  };

  for (const [path, rawItem] of Object.entries(
    (doc.root.paths as Record<string, unknown> | undefined) ?? {},
  )) {
    const item = deref(doc.root, rawItem);
    if (!isObject(item)) throw importError(`Invalid OpenAPI input: paths.${path} must be an object`);
    const resource = ensure(pathParts(path));
    if (item["x-amazon-apigateway-auth"] !== undefined) warnings.push(misplacedAuthWarning(`paths.${path}`));
    const shared: Record<string, boolean> = {};
    parameters(doc, item.parameters, shared, `paths.${path}`);
    for (const [key, rawOp] of Object.entries(item)) {
      const httpMethod = OPERATION_METHODS[key];
      if (httpMethod === undefined) {
        if (!PATH_ITEM_KEYS.has(key) && !key.startsWith("x-"))
          warnings.push(`paths.${path}.${key} is not an operation; ignored`);
        continue;
      }
      const where = `paths.${path}.${key}`;
      const op = deref(doc.root, rawOp);
      if (!isObject(op)) throw importError(`Invalid OpenAPI input: ${where} must be an object`);
      const requestParameters = { ...shared };
      parameters(doc, op.parameters, requestParameters, where);
      const method: Method = { httpMethod, authorizationType: "NONE", apiKeyRequired: false };
      if (typeof op.operationId === "string") method.operationName = op.operationId;
      if (Object.keys(requestParameters).length > 0) method.requestParameters = requestParameters;
      const bodyModels = requestModels(doc, op, where, warnings);
      if (bodyModels !== undefined) method.requestModels = bodyModels;
      const responses = methodResponses(doc, op.responses);
      if (responses) method.methodResponses = responses;
      if (!applyOperationSecurity(method, op, security, where, warnings)) continue;
      const validator = validatorFor(op["x-amazon-apigateway-request-validator"], where) ?? defaultValidator;
      if (validator !== undefined) method.requestValidatorId = validator;
      const x = op["x-amazon-apigateway-integration"];
      if (x !== undefined) {
        const at = `${where}.x-amazon-apigateway-integration`;
        method.methodIntegration = readIntegration(deref(doc.root, x), at);
        const { type, uri, httpMethod } = method.methodIntegration;
        // The checks PutIntegration makes (an HTTP API's integrations follow other rules).
        const problem = integrationTargetProblem(type, httpMethod, uri);
        if (problem !== undefined) throw importError(`Invalid OpenAPI input: ${at}: ${problem}`);
        const service = uri === undefined ? undefined : awsServiceOf(uri);
        if (type === "AWS" && service !== undefined && service !== "lambda")
          warnings.push(
            `${where}: ${uri} is an AWS service integration: Portico sends it to the endpoint configured as services.${service}.endpoint (without one the method answers 500 Internal server error)`,
          );
        else if (type === "AWS_PROXY" && service !== undefined && service !== "lambda")
          warnings.push(
            `${where}: ${uri} is an AWS_PROXY integration to a service other than Lambda, which Portico does not call; the method answers 500 Internal server error`,
          );
        try {
          // The data plane's own compiler: a mapping it would refuse at deploy is refused now.
          compileRequestParameters(method.methodIntegration.requestParameters);
        } catch (err) {
          if (!(err instanceof MappingError || err instanceof JsonPathError)) throw err;
          throw importError(`Invalid OpenAPI input: ${at}.requestParameters: ${err.message}`);
        }
      } else {
        warnings.push(
          `${where} has no x-amazon-apigateway-integration; the API cannot be deployed until one is set (AWS: No integration defined for method)`,
        );
      }
      resource.resourceMethods ??= {};
      resource.resourceMethods[httpMethod] = method;
    }
  }
  definition.models = models(doc, warnings, existing);
  if (existing) keepPartIds(definition, existing);
  return { definition, warnings };
}

/** On overwrite, authorizers and validators keep their ids (matched by name), and methods follow. */
function keepPartIds(def: RestApiDefinition, existing: RestApiDefinition): void {
  const renames = new Map<string, string>();
  for (const kind of ["authorizers", "requestValidators"] as const) {
    const parts = def[kind];
    if (parts === undefined) continue;
    const byName = new Map(Object.values(existing[kind] ?? {}).map((p) => [p.name, p.id]));
    const next: typeof parts = {};
    for (const part of Object.values(parts)) {
      const id = byName.get(part.name) ?? part.id;
      renames.set(part.id, id);
      next[id] = { ...part, id } as (typeof parts)[string];
    }
    (def as Record<typeof kind, unknown>)[kind] = next;
  }
  for (const resource of Object.values(def.resources)) {
    for (const method of Object.values(resource.resourceMethods ?? {})) {
      if (method.authorizerId) method.authorizerId = renames.get(method.authorizerId) ?? method.authorizerId;
      if (method.requestValidatorId)
        method.requestValidatorId = renames.get(method.requestValidatorId) ?? method.requestValidatorId;
    }
  }
}
