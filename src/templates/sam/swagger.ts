import { isMap, type Json } from "./values.ts";

/**
 * Edits of a Swagger 2.0 (or OpenAPI 3) document the way SAM's SwaggerEditor makes them: methods
 * lower case, ANY as `x-amazon-apigateway-any-method`, a Lambda proxy integration per event,
 * `security` lists per method. Each function edits the document it is given, which is always the
 * transform's own copy.
 */
export const ANY_METHOD = "x-amazon-apigateway-any-method";
export const INTEGRATION = "x-amazon-apigateway-integration";
const NOT_METHODS = new Set(["summary", "description", "parameters", "servers", "$ref"]);
const OPENAPI_3 = /^3(\.\d)(\.\d)?$/;

export function normalizeMethod(method: string): string {
  const lower = method.toLowerCase();
  return lower === "any" ? ANY_METHOD : lower;
}

/** A Swagger 2.0 or OpenAPI 3 document SAM can edit: `paths` a mapping, a version given. */
export function isSwagger(doc: unknown): doc is Json {
  if (!isMap(doc) || !isMap(doc.paths)) return false;
  if (doc.swagger !== undefined && doc.swagger !== null && doc.swagger !== "") return true;
  return typeof doc.openapi === "string" && OPENAPI_3.test(doc.openapi);
}

export function isOpenApi3(doc: unknown): doc is Json {
  return isMap(doc) && isMap(doc.paths) && typeof doc.openapi === "string" && OPENAPI_3.test(doc.openapi);
}

export function swaggerSkeleton(): Json {
  return { swagger: "2.0", info: { version: "1.0", title: { Ref: "AWS::StackName" } }, paths: {} };
}

export function openApiSkeleton(): Json {
  return { openapi: "3.0.1", info: { version: "1.0", title: { Ref: "AWS::StackName" } }, paths: {} };
}

const paths = (doc: Json): Json => doc.paths as Json;

export function pathItem(doc: Json, path: string): Json | undefined {
  const item = Object.hasOwn(paths(doc), path) ? paths(doc)[path] : undefined;
  return isMap(item) ? item : undefined;
}

/** The operation at path and method, if the document has one. */
export function operation(doc: Json, path: string, method: string): Json | undefined {
  const item = pathItem(doc, path);
  const m = normalizeMethod(method);
  const op = item !== undefined && Object.hasOwn(item, m) ? item[m] : undefined;
  return isMap(op) ? op : undefined;
}

export function hasIntegration(doc: Json, path: string, method: string): boolean {
  const op = operation(doc, path, method);
  return op !== undefined && isMap(op[INTEGRATION]) && Object.keys(op[INTEGRATION] as Json).length > 0;
}

/** Adds an empty operation at path and method unless one is there. */
export function addPath(doc: Json, path: string, method: string): Json {
  const all = paths(doc);
  if (!isMap(all[path])) all[path] = {};
  const item = all[path] as Json;
  const m = normalizeMethod(method);
  if (!isMap(item[m])) item[m] = {};
  return item[m] as Json;
}

/** Each method of a path item with its operation (skipping summary, parameters, …). */
export function methodsOf(item: Json): [string, Json][] {
  const out: [string, Json][] = [];
  for (const [name, op] of Object.entries(item))
    if (!NOT_METHODS.has(name) && !name.startsWith("x-amazon-apigateway-") && isMap(op))
      out.push([normalizeMethod(name), op]);
  for (const [name, op] of Object.entries(item))
    if (name === ANY_METHOD && isMap(op)) out.push([ANY_METHOD, op]);
  return out;
}

/** Operations that have an API Gateway integration: those SAM's default auth and key settings reach. */
export function integratedOperations(item: Json): [string, Json][] {
  return methodsOf(item).filter(([, op]) => isMap(op[INTEGRATION]));
}

export function securityOf(op: Json): Json[] {
  return Array.isArray(op.security) ? (op.security.filter(isMap) as Json[]) : [];
}

/**
 * A security definition, once (an API's own definitions keep theirs unless `replace`): Swagger's
 * `securityDefinitions`, or OpenAPI 3's `components.securitySchemes` for HTTP APIs.
 */
export function addSecurityDefinition(doc: Json, name: string, definition: Json, replace = false): void {
  let defs: Json;
  if (doc.swagger === undefined && isOpenApi3(doc)) {
    if (!isMap(doc.components)) doc.components = {};
    const components = doc.components as Json;
    if (!isMap(components.securitySchemes)) components.securitySchemes = {};
    defs = components.securitySchemes as Json;
  } else {
    if (!isMap(doc.securityDefinitions)) doc.securityDefinitions = {};
    defs = doc.securityDefinitions as Json;
  }
  if (replace || !Object.hasOwn(defs, name)) defs[name] = definition;
}

export const AWS_IAM_DEFINITION: Json = {
  "x-amazon-apigateway-authtype": "awsSigv4",
  type: "apiKey",
  name: "Authorization",
  in: "header",
};

export const API_KEY_DEFINITION: Json = { type: "apiKey", name: "x-api-key", in: "header" };

/** The Lambda function's invocation ARN as SAM writes it, for `${Fn.Arn}` to be resolved later. */
export function lambdaUri(functionLogicalId: string, partition: string): Json {
  return {
    "Fn::Sub": `arn:${partition}:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${${functionLogicalId}.Arn}/invocations`,
  };
}

/** A Lambda authorizer's URI: SAM's Fn::Sub with the function ARN as a variable. */
export function authorizerUri(functionArn: unknown): Json {
  return {
    "Fn::Sub": [
      "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${__FunctionArn__}/invocations",
      { __FunctionArn__: functionArn },
    ],
  };
}

/** `{proxy+}` and `{id}` as `*`, as SAM writes paths in permission source ARNs. */
export function arnPath(path: string): string {
  const trimmed = path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
  return trimmed.replace(/\{([a-zA-Z0-9._-]+|[a-zA-Z0-9._-]+\+|proxy\+)\}/g, "*");
}
