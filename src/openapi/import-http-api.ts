import {
  compileMappingValue,
  compileRequestMapping,
  compileResponseMappings,
  ParameterMappingError,
} from "../integrations/http-api-mapping.ts";
import { SUBTYPES, subtypeProblem } from "../integrations/service-subtypes.ts";
import { JsonPathError } from "../mapping/jsonpath.ts";
import type {
  HttpApi,
  HttpApiDefinition,
  HttpAuthorizer,
  HttpIntegration,
  HttpRoute,
} from "../model/http-api.ts";
import { newApiId, newV2ChildId } from "../model/ids.ts";
import { misplacedAuthWarning } from "./auth-extension.ts";
import { importError } from "./errors.ts";
import { readHttpSchemes, routeAuthorization } from "./http-security.ts";
import { readIntegration, stringMap } from "./integration-extension.ts";
import { OPERATION_METHODS } from "./operations.ts";
import { isObject, type OpenApiDocument } from "./parse-document.ts";
import { pathParts } from "./path-parts.ts";
import { deref } from "./resolve-refs.ts";

export interface HttpImportOptions {
  existing?: HttpApiDefinition;
  apiId?: string;
  region?: string;
  now?: number;
}

function integrationFor(
  doc: OpenApiDocument,
  x: unknown,
  where: string,
  id: string,
  warnings: string[],
): HttpIntegration {
  const raw = deref(doc.root, x);
  if (isObject(raw) && raw.integrationSubtype !== undefined)
    return serviceIntegration(raw, where, id, warnings);
  const i = readIntegration(raw, where, 30_000);
  const payload =
    isObject(raw) && raw.payloadFormatVersion !== undefined ? String(raw.payloadFormatVersion) : "1.0";
  if (payload !== "1.0" && payload !== "2.0")
    throw importError(`Invalid OpenAPI input: ${where}.payloadFormatVersion must be 1.0 or 2.0`);
  const out: HttpIntegration = {
    integrationId: id,
    integrationType: i.type,
    integrationUri: i.uri,
    integrationMethod: i.httpMethod,
    payloadFormatVersion: payload,
    timeoutInMillis: i.timeoutInMillis,
  };
  if (i.connectionType) out.connectionType = i.connectionType;
  if (i.requestParameters) out.requestParameters = i.requestParameters;
  if (isObject(raw) && raw.responseParameters !== undefined) {
    if (!isObject(raw.responseParameters))
      throw importError(`Invalid OpenAPI input: ${where}.responseParameters must be an object`);
    const byStatus: Record<string, Record<string, string>> = {};
    for (const [status, mapping] of Object.entries(raw.responseParameters)) {
      byStatus[status] = stringMap(mapping, `${where}.responseParameters.${status}`) ?? {};
    }
    out.responseParameters = byStatus;
  }
  try {
    // The data plane's own compilers: a mapping they would refuse at deploy is refused now.
    compileRequestMapping(out.requestParameters);
    compileResponseMappings(out.responseParameters);
  } catch (err) {
    if (!(err instanceof ParameterMappingError || err instanceof JsonPathError)) throw err;
    throw importError(`Invalid OpenAPI input: ${where}: ${err.message}`);
  }
  return out;
}

/**
 * An AWS service integration (`integrationSubtype`: SQS, EventBridge, Kinesis, Step Functions,
 * AppConfig): the subtype must be one AWS has and its required parameters present, as AWS's import
 * checks. Portico sends it to the endpoint of `services.<service>`; the warning says which.
 */
function serviceIntegration(
  raw: Record<string, unknown>,
  where: string,
  id: string,
  warnings: string[],
): HttpIntegration {
  const subtype = String(raw.integrationSubtype);
  if (String(raw.type ?? "").toUpperCase() !== "AWS_PROXY")
    throw importError(`Invalid OpenAPI input: ${where}: integrationSubtype requires type aws_proxy`);
  const timeout = raw.timeoutInMillis === undefined ? 30_000 : Number(raw.timeoutInMillis);
  if (!Number.isInteger(timeout) || timeout < 50 || timeout > 30_000)
    throw importError(`Invalid OpenAPI input: ${where}: Timeout should be between 50 ms and 30000 ms`);
  const spec = SUBTYPES[subtype];
  if (spec === undefined)
    throw importError(`Invalid OpenAPI input: ${where}: ${subtypeProblem(subtype, {})}`);
  const parameters: Record<string, string> = {};
  const raws = isObject(raw.requestParameters) ? raw.requestParameters : {};
  for (const [name, value] of Object.entries(raws)) {
    if (typeof value === "string") parameters[name] = value;
    // A CloudFormation intrinsic (Ref, Fn::GetAtt) has no value outside a stack.
    else if (isObject(value))
      throw importError(
        `Invalid OpenAPI input: ${where}.requestParameters.${name}: ${Object.keys(value).join(", ")} is a CloudFormation intrinsic, which an OpenAPI import cannot resolve; write the value itself`,
      );
    else throw importError(`Invalid OpenAPI input: ${where}.requestParameters.${name} must be a string`);
  }
  const problem = subtypeProblem(subtype, parameters);
  if (problem !== undefined) throw importError(`Invalid OpenAPI input: ${where}: ${problem}`);
  const known = new Set([...spec.required, ...spec.optional]);
  for (const name of Object.keys(parameters))
    if (!known.has(name)) warnings.push(`${where}: ${name} is not a parameter of ${subtype}; it is not sent`);
  try {
    for (const value of Object.values(parameters)) compileMappingValue(value, true);
  } catch (err) {
    if (!(err instanceof ParameterMappingError || err instanceof JsonPathError)) throw err;
    throw importError(`Invalid OpenAPI input: ${where}: ${err.message}`);
  }
  warnings.push(
    `${where}: integrationSubtype ${subtype} calls the AWS service ${spec.service}: Portico sends it to the endpoint configured as services.${spec.service}.endpoint (without one the route answers 500)`,
  );
  const out: HttpIntegration = {
    integrationId: id,
    integrationType: "AWS_PROXY",
    integrationSubtype: subtype,
    payloadFormatVersion: "1.0",
    timeoutInMillis: timeout,
  };
  if (typeof raw.credentials === "string") out.credentialsArn = raw.credentials;
  if (Object.keys(parameters).length > 0) out.requestParameters = parameters;
  return out;
}

/**
 * ImportApi / ReimportApi for HTTP APIs: a route per (path, method) — `x-amazon-apigateway-any-method`
 * gives `ANY`, a path `/$default` gives the `$default` route — each targeting its own integration,
 * secured by the scheme its operation's `security` names (IAM, a JWT or a Lambda authorizer). The
 * authorizers are read, not yet checked against CreateAuthorizer's rules: the control plane does that
 * before storing (control/import-document.ts).
 */
export function importHttpApi(
  doc: OpenApiDocument,
  options: HttpImportOptions = {},
): { definition: HttpApiDefinition; warnings: string[] } {
  const warnings = [...doc.warnings];
  const { existing } = options;
  const info = doc.root.info as Record<string, unknown>;
  const apiId = existing?.api.apiId ?? options.apiId ?? newApiId();
  const api: HttpApi = {
    apiId,
    name: String(info.title),
    protocolType: "HTTP",
    routeSelectionExpression: "$request.method $request.path",
    apiKeySelectionExpression: "$request.header.x-api-key",
    apiEndpoint: `https://${apiId}.execute-api.${options.region ?? "us-east-1"}.amazonaws.com`,
    createdDate: existing?.api.createdDate ?? options.now ?? Date.now(),
    disableExecuteApiEndpoint: false,
  };
  if (typeof info.description === "string") api.description = info.description;
  if (info.version !== undefined) api.version = String(info.version);
  if (isObject(doc.root["x-amazon-apigateway-cors"]))
    api.corsConfiguration = doc.root["x-amazon-apigateway-cors"];
  const oldRoutes = new Map(Object.values(existing?.routes ?? {}).map((r) => [r.routeKey, r]));
  const routes: Record<string, HttpRoute> = {};
  const integrations: Record<string, HttpIntegration> = {};
  const seen = new Set<string>();

  const authorizers: Record<string, HttpAuthorizer> = {};
  const schemes = readHttpSchemes(doc, existing, authorizers, warnings);
  if (Array.isArray(doc.root.security) && doc.root.security.length > 0) {
    warnings.push(
      "security at the document root is ignored: it is read per operation, so it secures no route",
    );
  }

  for (const [path, rawItem] of Object.entries(
    (doc.root.paths as Record<string, unknown> | undefined) ?? {},
  )) {
    const item = deref(doc.root, rawItem);
    if (!isObject(item)) throw importError(`Invalid OpenAPI input: paths.${path} must be an object`);
    const isDefault = path === "$default" || path === "/$default";
    if (!isDefault) pathParts(path);
    if (item["x-amazon-apigateway-auth"] !== undefined) warnings.push(misplacedAuthWarning(`paths.${path}`));
    for (const [key, rawOp] of Object.entries(item)) {
      const method = OPERATION_METHODS[key];
      if (method === undefined) continue;
      const routeKey = isDefault ? "$default" : `${method} ${path}`;
      if (seen.has(routeKey)) throw importError(`Invalid OpenAPI input: duplicate route ${routeKey}`);
      seen.add(routeKey);
      const where = `paths.${path}.${key}`;
      const op = deref(doc.root, rawOp);
      if (!isObject(op)) throw importError(`Invalid OpenAPI input: ${where} must be an object`);
      const auth = routeAuthorization(op, schemes, where, warnings);
      if (auth === undefined) continue;
      const old = oldRoutes.get(routeKey);
      const route: HttpRoute = {
        routeId: old?.routeId ?? newV2ChildId(),
        routeKey,
        ...auth,
        apiKeyRequired: false,
      };
      if (typeof op.operationId === "string") route.operationName = op.operationId;
      const x = op["x-amazon-apigateway-integration"];
      if (x !== undefined) {
        const oldIntegration = old?.target?.replace("integrations/", "");
        const integrationId = oldIntegration ?? newV2ChildId();
        integrations[integrationId] = integrationFor(
          doc,
          x,
          `${where}.x-amazon-apigateway-integration`,
          integrationId,
          warnings,
        );
        route.target = `integrations/${integrationId}`;
      } else {
        warnings.push(`${where} has no x-amazon-apigateway-integration; the route has no target`);
      }
      routes[route.routeId] = route;
    }
  }
  const definition: HttpApiDefinition = { api, routes, integrations };
  if (Object.keys(authorizers).length > 0) definition.authorizers = authorizers;
  return { definition, warnings };
}
