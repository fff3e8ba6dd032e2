import { validateResourcePolicy } from "../auth/policy/compile-policy.ts";
import { GATEWAY_RESPONSE_TYPES } from "../model/gateway-response-types.ts";
import { newModelId } from "../model/ids.ts";
import type { EndpointType, GatewayResponseSetting, RestApi, RestApiDefinition } from "../model/rest-api.ts";
import { misplacedAuthWarning } from "./auth-extension.ts";
import { importError } from "./errors.ts";
import { stringMap } from "./integration-extension.ts";
import { isObject } from "./parse-document.ts";

/**
 * API-level `x-amazon-apigateway-*` extensions of a REST API, one handler each; an extension not in
 * this table is reported as a warning (it arrives with the work that gives it meaning).
 */
type Handler = (value: unknown, api: RestApi, def: RestApiDefinition) => void;

const ENDPOINT_TYPES = new Set(["EDGE", "REGIONAL", "PRIVATE"]);

const HANDLERS: Record<string, Handler> = {
  "x-amazon-apigateway-binary-media-types": (v, api) => {
    if (!Array.isArray(v) || v.some((t) => typeof t !== "string")) {
      throw importError(
        "Invalid OpenAPI input: x-amazon-apigateway-binary-media-types must be a list of media types",
      );
    }
    api.binaryMediaTypes = v as string[];
  },
  "x-amazon-apigateway-api-key-source": (v, api) => {
    const source = String(v).toUpperCase();
    if (source !== "HEADER" && source !== "AUTHORIZER") {
      throw importError(
        "Invalid OpenAPI input: x-amazon-apigateway-api-key-source must be HEADER or AUTHORIZER",
      );
    }
    api.apiKeySource = source;
  },
  "x-amazon-apigateway-policy": (v, api) => {
    if (!isObject(v))
      throw importError("Invalid OpenAPI input: x-amazon-apigateway-policy must be a policy document");
    try {
      validateResourcePolicy(v);
    } catch (err) {
      throw importError(`Invalid OpenAPI input: x-amazon-apigateway-policy: ${(err as Error).message}`);
    }
    api.policy = JSON.stringify(v);
  },
  "x-amazon-apigateway-endpoint-configuration": (v, api) => {
    if (!isObject(v))
      throw importError(
        "Invalid OpenAPI input: x-amazon-apigateway-endpoint-configuration must be an object",
      );
    const strings = (list: unknown) => Array.isArray(list) && list.every((x) => typeof x === "string");
    if (v.vpcEndpointIds !== undefined) {
      if (!strings(v.vpcEndpointIds))
        throw importError(
          "Invalid OpenAPI input: x-amazon-apigateway-endpoint-configuration.vpcEndpointIds must be a list of ids",
        );
      api.endpointConfiguration.vpcEndpointIds = v.vpcEndpointIds as string[];
    }
    if (v.types !== undefined) {
      const types = strings(v.types) ? (v.types as string[]).map((t) => t.toUpperCase()) : [];
      if (types.length === 0 || types.some((t) => !ENDPOINT_TYPES.has(t)))
        throw importError(
          "Invalid OpenAPI input: x-amazon-apigateway-endpoint-configuration.types must list EDGE, REGIONAL or PRIVATE",
        );
      api.endpointConfiguration.types = types as EndpointType[];
    }
    if (v.disableExecuteApiEndpoint !== undefined)
      api.disableExecuteApiEndpoint = v.disableExecuteApiEndpoint === true;
  },
  "x-amazon-apigateway-minimum-compression-size": (v, api) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n > 10_485_760) {
      throw importError(
        "Invalid OpenAPI input: x-amazon-apigateway-minimum-compression-size must be 0–10485760",
      );
    }
    api.minimumCompressionSize = n;
  },
  "x-amazon-apigateway-importexport-version": () => undefined,
  "x-amazon-apigateway-request-validators": (v, _api, def) => {
    if (!isObject(v))
      throw importError("Invalid OpenAPI input: x-amazon-apigateway-request-validators must be an object");
    def.requestValidators ??= {};
    for (const [name, raw] of Object.entries(v)) {
      const r = isObject(raw) ? raw : {};
      const id = newModelId();
      def.requestValidators[id] = {
        id,
        name,
        validateRequestBody: r.validateRequestBody === true,
        validateRequestParameters: r.validateRequestParameters === true,
      };
    }
  },
  // The API-wide default validator is applied per method by the importer.
  "x-amazon-apigateway-request-validator": () => undefined,
  "x-amazon-apigateway-gateway-responses": (v, _api, def) => {
    if (!isObject(v))
      throw importError("Invalid OpenAPI input: x-amazon-apigateway-gateway-responses must be an object");
    def.gatewayResponses ??= {};
    for (const [type, raw] of Object.entries(v)) {
      const where = `x-amazon-apigateway-gateway-responses.${type}`;
      if (!Object.hasOwn(GATEWAY_RESPONSE_TYPES, type))
        throw importError(
          `Invalid OpenAPI input: ${where}: Invalid gateway response type specified: ${type}`,
        );
      if (!isObject(raw)) throw importError(`Invalid OpenAPI input: ${where} must be an object`);
      const setting: GatewayResponseSetting = { responseType: type, defaultResponse: false };
      if (raw.statusCode !== undefined) {
        setting.statusCode = String(raw.statusCode);
        if (!/^[1-5]\d\d$/.test(setting.statusCode))
          throw importError(`Invalid OpenAPI input: ${where}: Invalid status code specified`);
      }
      const parameters = stringMap(raw.responseParameters, `${where}.responseParameters`);
      if (parameters) {
        for (const key of Object.keys(parameters)) {
          if (!key.startsWith("gatewayresponse.header."))
            throw importError(
              `Invalid OpenAPI input: ${where}: Invalid mapping expression specified: ${key}`,
            );
        }
        setting.responseParameters = parameters;
      }
      const templates = stringMap(raw.responseTemplates, `${where}.responseTemplates`);
      if (templates) setting.responseTemplates = templates;
      def.gatewayResponses[type] = setting;
    }
  },
};

export function applyRestApiExtensions(
  root: Record<string, unknown>,
  def: RestApiDefinition,
  warnings: string[],
): void {
  const api = def.api;
  for (const [key, value] of Object.entries(root)) {
    if (!key.startsWith("x-amazon-apigateway-")) continue;
    const handler = HANDLERS[key];
    if (key === "x-amazon-apigateway-auth") warnings.push(misplacedAuthWarning("the document root"));
    else if (handler === undefined) warnings.push(`${key} is not supported yet; ignored`);
    else handler(value, api, def);
  }
}
