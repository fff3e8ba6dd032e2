import { acceptsHttpUri } from "../integrations/uri-template.ts";
import type {
  ContentHandling,
  Integration,
  IntegrationResponse,
  IntegrationType,
  PassthroughBehavior,
} from "../model/rest-api.ts";
import { patternProblem } from "../regex/java-pattern.ts";
import { importError } from "./errors.ts";
import { isObject } from "./parse-document.ts";

const TYPES = new Set(["AWS", "AWS_PROXY", "HTTP", "HTTP_PROXY", "MOCK"]);
const PASSTHROUGH = new Set(["WHEN_NO_MATCH", "WHEN_NO_TEMPLATES", "NEVER"]);
const CONTENT_HANDLING = new Set(["CONVERT_TO_BINARY", "CONVERT_TO_TEXT"]);
const CONNECTION_TYPES = new Set(["INTERNET", "VPC_LINK"]);

function contentHandlingOf(value: unknown, where: string): ContentHandling | undefined {
  if (value === undefined) return undefined;
  const v = String(value).toUpperCase();
  if (!CONTENT_HANDLING.has(v))
    throw importError(
      `Invalid OpenAPI input: ${where}.contentHandling must be CONVERT_TO_BINARY or CONVERT_TO_TEXT`,
    );
  return v as ContentHandling;
}

export function stringMap(value: unknown, where: string): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw importError(`Invalid OpenAPI input: ${where} must be an object`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== "string") throw importError(`Invalid OpenAPI input: ${where}.${k} must be a string`);
    out[k] = v;
  }
  return out;
}

/** An HTTP(S) URL, where `${stageVariables.x}` may stand for any part of it (the whole URL too). */
export const isHttpUri = (uri: string): boolean => acceptsHttpUri(uri);

/**
 * `x-amazon-apigateway-integration` → Integration, for REST APIs. `maxTimeout` is 29 000 ms for REST
 * and 30 000 ms for HTTP APIs (AWS's limits).
 */
export function readIntegration(x: unknown, where: string, maxTimeout = 29_000): Integration {
  if (!isObject(x)) throw importError(`Invalid OpenAPI input: ${where} must be an object`);
  const type = String(x.type ?? "").toUpperCase();
  if (!TYPES.has(type)) {
    throw importError(
      `Invalid OpenAPI input: ${where}.type must be one of aws, aws_proxy, http, http_proxy, mock (got '${String(x.type ?? "")}')`,
    );
  }
  const uri = x.uri === undefined ? undefined : String(x.uri);
  const httpMethod = x.httpMethod === undefined ? undefined : String(x.httpMethod).toUpperCase();
  if (type !== "MOCK") {
    if (httpMethod === undefined || httpMethod === "") {
      throw importError(
        `Invalid OpenAPI input: ${where}: Enumeration value for HttpMethod must be non-empty`,
      );
    }
    if (uri === undefined)
      throw importError(`Invalid OpenAPI input: ${where}: an integration of type ${type} needs a uri`);
  }
  if ((type === "HTTP" || type === "HTTP_PROXY") && !isHttpUri(uri!)) {
    throw importError(`Invalid OpenAPI input: ${where}: Invalid HTTP endpoint specified for URI`);
  }
  if ((type === "AWS" || type === "AWS_PROXY") && !uri!.startsWith("arn:")) {
    throw importError(`Invalid OpenAPI input: ${where}: Invalid ARN specified in the request`);
  }
  const timeout = x.timeoutInMillis === undefined ? maxTimeout : Number(x.timeoutInMillis);
  if (!Number.isInteger(timeout) || timeout < 50 || timeout > maxTimeout) {
    throw importError(
      `Invalid OpenAPI input: ${where}: Timeout should be between 50 ms and ${maxTimeout} ms`,
    );
  }
  const passthrough = String(x.passthroughBehavior ?? "WHEN_NO_MATCH").toUpperCase();
  if (!PASSTHROUGH.has(passthrough)) {
    throw importError(
      `Invalid OpenAPI input: ${where}.passthroughBehavior must be when_no_match, when_no_templates or never`,
    );
  }
  const contentHandling = contentHandlingOf(x.contentHandling, where);
  if (
    x.cacheKeyParameters !== undefined &&
    (!Array.isArray(x.cacheKeyParameters) || x.cacheKeyParameters.some((p) => typeof p !== "string"))
  ) {
    throw importError(`Invalid OpenAPI input: ${where}.cacheKeyParameters must be a list of strings`);
  }
  const connectionType = x.connectionType === undefined ? undefined : String(x.connectionType).toUpperCase();
  if (connectionType !== undefined && !CONNECTION_TYPES.has(connectionType))
    throw importError(`Invalid OpenAPI input: ${where}.connectionType must be INTERNET or VPC_LINK`);
  if (x.tlsConfig !== undefined && !isObject(x.tlsConfig))
    throw importError(`Invalid OpenAPI input: ${where}.tlsConfig must be an object`);
  const integration: Integration = {
    type: type as IntegrationType,
    httpMethod,
    uri,
    passthroughBehavior: passthrough as PassthroughBehavior,
    timeoutInMillis: timeout,
    cacheKeyParameters: Array.isArray(x.cacheKeyParameters) ? x.cacheKeyParameters.map(String) : [],
  };
  if (x.credentials !== undefined) integration.credentials = String(x.credentials);
  const requestParameters = stringMap(x.requestParameters, `${where}.requestParameters`);
  if (requestParameters) integration.requestParameters = requestParameters;
  const requestTemplates = stringMap(x.requestTemplates, `${where}.requestTemplates`);
  if (requestTemplates) integration.requestTemplates = requestTemplates;
  if (contentHandling) integration.contentHandling = contentHandling;
  if (x.cacheNamespace !== undefined) integration.cacheNamespace = String(x.cacheNamespace);
  if (connectionType !== undefined) integration.connectionType = connectionType as "INTERNET";
  if (x.connectionId !== undefined) integration.connectionId = String(x.connectionId);
  if (isObject(x.tlsConfig))
    integration.tlsConfig = { insecureSkipVerification: x.tlsConfig.insecureSkipVerification === true };
  if (x.responses !== undefined) {
    if (!isObject(x.responses))
      throw importError(`Invalid OpenAPI input: ${where}.responses must be an object`);
    const responses: Record<string, IntegrationResponse> = {};
    for (const [pattern, r] of Object.entries(x.responses)) {
      if (!isObject(r) || r.statusCode === undefined) {
        throw importError(`Invalid OpenAPI input: ${where}.responses.${pattern} needs a statusCode`);
      }
      const statusCode = String(r.statusCode);
      if (!/^[1-5]\d\d$/.test(statusCode))
        throw importError(
          `Invalid OpenAPI input: ${where}.responses.${pattern}: invalid statusCode ${statusCode}`,
        );
      const response: IntegrationResponse = { statusCode };
      if (pattern !== "default") {
        // Selection patterns run on RE2 (src/regex/java-pattern.ts): one it cannot run is refused here.
        if (patternProblem(pattern) !== undefined)
          throw importError(
            `Invalid OpenAPI input: ${where}.responses: Invalid selection pattern specified: ${pattern}`,
          );
        response.selectionPattern = pattern;
      }
      const params = stringMap(r.responseParameters, `${where}.responses.${pattern}.responseParameters`);
      if (params) response.responseParameters = params;
      const templates = stringMap(r.responseTemplates, `${where}.responses.${pattern}.responseTemplates`);
      if (templates) response.responseTemplates = templates;
      const handling = contentHandlingOf(r.contentHandling, `${where}.responses.${pattern}`);
      if (handling) response.contentHandling = handling;
      responses[statusCode] = response;
    }
    integration.integrationResponses = responses;
  }
  return integration;
}
