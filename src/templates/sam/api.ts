import { createHash } from "node:crypto";
import { applyRestAuth, restAuthorizers } from "./auth.ts";
import type { SamApi, SamContext } from "./context.ts";
import { applyRestCors } from "./cors.ts";
import { isSwagger } from "./swagger.ts";
import type { UsagePlans } from "./usage-plan.ts";
import { at, idHash, isInclude, isIntrinsic, isMap, type Json, ref } from "./values.ts";

/** SAM edits a definition it can see; an AWS::Include is read only after the transform. */
export const INCLUDED = (key: string): string =>
  `${key} is not applied: the DefinitionBody is an AWS::Include, read after the SAM transform; write it in the included definition`;

/**
 * AWS::Serverless::Api → AWS::ApiGateway::RestApi with the Swagger `Body` (Cors, Auth, gateway
 * responses, models and binary types written into it as SAM writes them), a Deployment whose
 * logical id carries a hash of the body, and the Stage named StageName, plus authorizer
 * permissions and usage plans.
 */
const TO_REST_API = [
  "Name",
  "Description",
  "Mode",
  "ApiKeySourceType",
  "Policy",
  "MinimumCompressionSize",
  "BinaryMediaTypes",
  "FailOnWarnings",
  "SecurityPolicy",
  "EndpointAccessMode",
];
const TO_STAGE = [
  "CacheClusterEnabled",
  "CacheClusterSize",
  "Variables",
  "MethodSettings",
  "AccessLogSetting",
  "CanarySetting",
  "TracingEnabled",
];
const HANDLED = new Set([
  ...TO_REST_API,
  ...TO_STAGE,
  "StageName",
  "DefinitionBody",
  "DefinitionUri",
  "EndpointConfiguration",
  "GatewayResponses",
  "Models",
  "Cors",
  "Auth",
  "MergeDefinitions",
  "OpenApiVersion",
  "DisableExecuteApiEndpoint",
  "Tags",
]);
const GATEWAY_RESPONSE_KEYS = new Set(["ResponseParameters", "ResponseTemplates", "StatusCode"]);

export function translateRestApi(ctx: SamContext, api: SamApi, plans: UsagePlans): void {
  const props = api.properties;
  const id = api.logicalId;
  const base = at("Resources", id, "Properties");
  for (const key of Object.keys(props))
    if (!HANDLED.has(key)) ctx.notice(id, at(base, key), `${key} is not carried over from a SAM Api`);
  const stageName = props.StageName;
  if (stageName === undefined || stageName === "")
    ctx.fail(at(base, "StageName"), "a SAM Api needs a StageName");
  const body = props.DefinitionBody;
  const restApi: Json = {};
  if (props.EndpointConfiguration !== undefined) endpoint(restApi, props.EndpointConfiguration);
  if (body !== undefined) {
    const inline = !api.fromUri && isSwagger(body);
    const needsInline = (key: string): void => {
      if (props[key] === undefined) return;
      if (isInclude(body)) {
        ctx.notice(id, at(base, key), INCLUDED(key));
        return;
      }
      if (api.fromUri)
        ctx.fail(
          at(base, key),
          `${key} works only with inline Swagger specified in 'DefinitionBody' property.`,
        );
      if (!inline)
        ctx.fail(
          at(base, key),
          `Unable to add ${key} configuration because 'DefinitionBody' does not contain a valid Swagger definition.`,
        );
    };
    for (const key of ["Cors", "Auth", "GatewayResponses", "Models"]) needsInline(key);
    if (inline) {
      const doc = body as Json;
      if (
        api.managed &&
        typeof props.OpenApiVersion === "string" &&
        /^3(\.\d)(\.\d)?$/.test(props.OpenApiVersion)
      ) {
        doc.openapi = props.OpenApiVersion;
        delete doc.swagger;
      }
      if (props.Cors !== undefined && props.Cors !== null) applyRestCors(ctx, api, doc, props.Cors);
      if (isMap(props.Auth)) applyRestAuth(ctx, api, doc, props.Auth);
      else if (props.Auth !== undefined) ctx.fail(at(base, "Auth"), "Auth must be a mapping");
      if (props.GatewayResponses !== undefined) gatewayResponses(ctx, api, doc, props.GatewayResponses);
      if (Array.isArray(props.BinaryMediaTypes))
        doc["x-amazon-apigateway-binary-media-types"] = props.BinaryMediaTypes.map((t) =>
          typeof t === "string" ? t.replaceAll("~1", "/") : t,
        );
      if (props.Models !== undefined) models(ctx, api, doc, props.Models);
      if (props.DisableExecuteApiEndpoint !== undefined)
        doc["x-amazon-apigateway-endpoint-configuration"] = {
          ...(isMap(doc["x-amazon-apigateway-endpoint-configuration"])
            ? doc["x-amazon-apigateway-endpoint-configuration"]
            : {}),
          disableExecuteApiEndpoint: props.DisableExecuteApiEndpoint,
        };
      openApiPostprocess(doc);
    }
    restApi.Body = body;
  }
  for (const key of TO_REST_API) if (props[key] !== undefined) restApi[key] = props[key];
  ctx.add(id, { Type: "AWS::ApiGateway::RestApi", Properties: restApi, ...api.attributes });

  const passthrough = passthroughOf(api.attributes);
  const hashInput = [JSON.stringify(body ?? {})];
  if (props.OpenApiVersion !== undefined) hashInput.push(String(props.OpenApiVersion));
  const data = hashInput.join("||");
  const deploymentId = `${id}Deployment${idHash(data)}`;
  const deployment: Json = {
    Description: `RestApi deployment id: ${createHash("sha1").update(data).digest("hex")}`,
    RestApiId: ref(id),
  };
  // SAM's extra `Stage` stage, which it leaves out once OpenApiVersion is set.
  if (props.OpenApiVersion === undefined) deployment.StageName = "Stage";
  ctx.add(deploymentId, { Type: "AWS::ApiGateway::Deployment", Properties: deployment, ...passthrough });

  const stageId = stageLogicalId(id, stageName);
  const stage: Json = { DeploymentId: ref(deploymentId), RestApiId: ref(id), StageName: stageName };
  for (const key of TO_STAGE) if (props[key] !== undefined) stage[key] = props[key];
  if (isMap(props.Tags)) stage.Tags = Object.entries(props.Tags).map(([Key, Value]) => ({ Key, Value }));
  ctx.add(stageId, { Type: "AWS::ApiGateway::Stage", Properties: stage, ...passthrough });

  if (isMap(props.Auth)) {
    for (const a of restAuthorizers(ctx, api, props.Auth).values()) {
      if (a.kind !== "LAMBDA" || a.config.DisableFunctionDefaultPermissions === true) continue;
      ctx.add(`${id}${a.name}AuthorizerPermission`, {
        Type: "AWS::Lambda::Permission",
        Properties: {
          Action: "lambda:InvokeFunction",
          FunctionName: a.config.FunctionArn,
          Principal: "apigateway.amazonaws.com",
          SourceArn: {
            "Fn::Sub": [
              "arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${__ApiId__}/authorizers/*",
              { __ApiId__: ref(id) },
            ],
          },
        },
        ...passthrough,
      });
    }
  }
  plans.add(ctx, api, stageId, passthrough);
}

export function passthroughOf(attributes: Json): Json {
  const out: Json = {};
  for (const key of ["Condition", "DeletionPolicy", "UpdateReplacePolicy"])
    if (attributes[key] !== undefined) out[key] = attributes[key];
  return out;
}

/** `<Api><StageName>Stage`, a hash in place of a name that is not alphanumeric. */
function stageLogicalId(apiId: string, stageName: unknown): string {
  const name = typeof stageName === "string" ? stageName : "";
  if (/^[A-Za-z0-9]+$/.test(name)) return `${apiId}${name}Stage`;
  return `${apiId}Stage${name === "" ? "" : idHash(name)}`;
}

function endpoint(restApi: Json, value: unknown): void {
  if (isMap(value) && !isIntrinsic(value) && value.Type !== undefined) {
    const config: Json = { Types: [value.Type] };
    const ids = value.VPCEndpointIds ?? value.VpcEndpointIds;
    if (ids !== undefined) config.VpcEndpointIds = ids;
    if (value.IpAddressType !== undefined) config.IpAddressType = value.IpAddressType;
    restApi.EndpointConfiguration = config;
    restApi.Parameters = { endpointConfigurationTypes: value.Type };
  } else {
    restApi.EndpointConfiguration = { Types: [value] };
    restApi.Parameters = { endpointConfigurationTypes: value };
  }
}

function gatewayResponses(ctx: SamContext, api: SamApi, doc: Json, responses: unknown): void {
  const base = at("Resources", api.logicalId, "Properties", "GatewayResponses");
  if (!isMap(responses) || isIntrinsic(responses))
    ctx.fail(base, "GatewayResponses must be a mapping of response type");
  const out: Json = isMap(doc["x-amazon-apigateway-gateway-responses"])
    ? (doc["x-amazon-apigateway-gateway-responses"] as Json)
    : {};
  for (const [type, response] of Object.entries(responses)) {
    const path = at(base, type);
    if (!isMap(response) || isIntrinsic(response)) ctx.fail(path, "a gateway response must be a mapping");
    for (const key of Object.keys(response))
      if (!GATEWAY_RESPONSE_KEYS.has(key))
        ctx.fail(at(path, key), `Invalid property '${key}' in 'GatewayResponses' property '${type}'.`);
    const parameters: Json = {};
    const given = response.ResponseParameters ?? {};
    if (!isMap(given)) ctx.fail(at(path, "ResponseParameters"), "ResponseParameters must be a mapping");
    for (const key of Object.keys(given))
      if (!["Headers", "Paths", "QueryStrings"].includes(key))
        ctx.fail(at(path, "ResponseParameters", key), `Invalid gateway response parameter '${key}'`);
    for (const [key, prefix] of [
      ["Headers", "header."],
      ["Paths", "path."],
      ["QueryStrings", "querystring."],
    ] as const) {
      const values = given[key] ?? {};
      if (!isMap(values)) ctx.fail(at(path, "ResponseParameters", key), `${key} must be a mapping`);
      for (const [name, value] of Object.entries(values))
        parameters[`gatewayresponse.${prefix}${name}`] = value;
    }
    const entry: Json = {
      responseParameters: parameters,
      responseTemplates: response.ResponseTemplates ?? {},
    };
    if (response.StatusCode !== undefined && response.StatusCode !== null) {
      const code = String(response.StatusCode);
      if (!/^[0-9]{1,3}$/.test(code))
        ctx.fail(at(path, "StatusCode"), "Property 'StatusCode' must be numeric");
      entry.statusCode = code;
    }
    out[type] = entry;
  }
  doc["x-amazon-apigateway-gateway-responses"] = out;
}

function models(ctx: SamContext, api: SamApi, doc: Json, given: unknown): void {
  const base = at("Resources", api.logicalId, "Properties", "Models");
  if (!isMap(given) || !Object.values(given).every(isMap))
    ctx.fail(base, "Invalid value for 'Models' property");
  const definitions: Json = isMap(doc.definitions) ? (doc.definitions as Json) : {};
  for (const [name, schema] of Object.entries(given)) {
    if (!(schema as Json).type) ctx.fail(at(base, name), "'Models' schema is missing 'type'.");
    definitions[name.toLowerCase()] = schema;
  }
  doc.definitions = definitions;
}

/**
 * An OpenAPI 3 body (not Swagger 2) gets SAM's fixes: securityDefinitions and definitions moved
 * under `components`, the CORS OPTIONS methods' consumes/produces dropped, their headers given
 * a `schema`.
 */
function openApiPostprocess(doc: Json): void {
  if (doc.swagger !== undefined || typeof doc.openapi !== "string" || !/^3(\.\d)(\.\d)?$/.test(doc.openapi))
    return;
  const components = (): Json => {
    if (!isMap(doc.components)) doc.components = {};
    return doc.components as Json;
  };
  if (doc.securityDefinitions) {
    components().securitySchemes = doc.securityDefinitions;
    delete doc.securityDefinitions;
  }
  if (doc.definitions) {
    components().schemas = doc.definitions;
    delete doc.definitions;
  }
  for (const item of Object.values(doc.paths as Json)) {
    if (!isMap(item) || !isMap(item.options)) continue;
    const options = item.options as Json;
    delete options.consumes;
    delete options.produces;
    const ok = isMap(options.responses) ? (options.responses as Json)["200"] : undefined;
    if (!isMap(ok) || !isMap(ok.headers)) continue;
    for (const [name, header] of Object.entries(ok.headers as Json))
      (ok.headers as Json)[name] = isMap(header) && header.schema !== undefined ? header : { schema: header };
  }
}
