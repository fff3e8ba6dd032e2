import { compileApiKeys, REST_API_ID, REST_DEPLOYMENT_ID } from "./api-keys.ts";
import type { RestEvent } from "./http-events.ts";
import { mergeCors, preflightOperation, type RestCors } from "./rest-cors.ts";
import {
  isMapping,
  listOf,
  type Mapping,
  optionalMapping,
  optionalNumber,
  optionalString,
  type ReadContext,
} from "./shape.ts";

/** `provider.apiGateway` keys this reader carries over; any other is named in a notice. */
const KNOWN = new Set([
  "apiKeys",
  "usagePlan",
  "binaryMediaTypes",
  "minimumCompressionSize",
  "resourcePolicy",
  "apiKeySourceType",
  "shouldStartNameWithService",
  "description",
  "disableDefaultEndpoint",
]);

function apiName(ctx: ReadContext, apiGateway: Mapping): string {
  const given = optionalString(ctx.provider.apiName, ctx.root.key("provider").key("apiName"));
  if (given !== undefined) return given;
  return apiGateway.shouldStartNameWithService === true
    ? `${ctx.service}-${ctx.stage}`
    : `${ctx.stage}-${ctx.service}`;
}

/** The document-level settings of `provider.apiGateway`, as API Gateway's OpenAPI extensions. */
function documentSettings(ctx: ReadContext, apiGateway: Mapping, doc: Mapping): void {
  const at = ctx.root.key("provider").key("apiGateway");
  if (apiGateway.binaryMediaTypes !== undefined)
    doc["x-amazon-apigateway-binary-media-types"] = listOf(apiGateway.binaryMediaTypes).map(String);
  const source = optionalString(apiGateway.apiKeySourceType, at.key("apiKeySourceType"));
  if (source !== undefined) doc["x-amazon-apigateway-api-key-source"] = source.toUpperCase();
  const compression = optionalNumber(apiGateway.minimumCompressionSize, at.key("minimumCompressionSize"));
  if (compression !== undefined) {
    doc["x-amazon-apigateway-minimum-compression-size"] = compression;
    ctx.notices.push(
      at
        .key("minimumCompressionSize")
        .notice(REST_API_ID, "kept on the API, but Portico does not compress responses"),
    );
  }
  if (apiGateway.resourcePolicy !== undefined)
    doc["x-amazon-apigateway-policy"] = {
      Version: "2012-10-17",
      Statement: listOf(apiGateway.resourcePolicy),
    };
  for (const key of Object.keys(apiGateway)) {
    if (!KNOWN.has(key))
      ctx.notices.push(
        at.key(key).notice(REST_API_ID, `provider.apiGateway.${key} is not carried over; ignored`),
      );
  }
}

/**
 * The functions' `http` events as ONE REST API whose `Body` is the OpenAPI (Swagger 2.0) document
 * of every path and method — what the framework's per-resource Method resources amount to — a
 * Deployment to the stage, and the API keys and usage plans of `provider.apiGateway`.
 */
export function compileRestApi(ctx: ReadContext, events: RestEvent[]): void {
  const apiGatewayAt = ctx.root.key("provider").key("apiGateway");
  const apiGateway = optionalMapping(ctx.provider.apiGateway, apiGatewayAt) ?? {};
  if (apiGateway.restApiId !== undefined)
    throw apiGatewayAt
      .key("restApiId")
      .error("an API made outside this service cannot be extended; let the service create its own");
  if (events.length === 0) {
    if (apiGateway.apiKeys !== undefined || apiGateway.usagePlan !== undefined)
      ctx.notices.push(
        apiGatewayAt.notice(
          REST_API_ID,
          "API keys and usage plans without any http event: no REST API to attach them to",
        ),
      );
    return;
  }
  const paths: Record<string, Mapping> = {};
  const schemes: Mapping = {};
  const owners = new Map<string, string>();
  const cors = new Map<string, RestCors>();
  for (const event of events) {
    paths[event.path] ??= {};
    const item = paths[event.path]!;
    const owner = `${event.path} ${event.operationKey}`;
    if (Object.hasOwn(item, event.operationKey))
      throw event.at.error(
        `${event.path} ${event.operationKey.replace("x-amazon-apigateway-any-", "")} is also declared at ${owners.get(owner)}`,
      );
    owners.set(owner, event.at.path);
    item[event.operationKey] = event.operation;
    if (event.security !== undefined) {
      const { schemeName, scheme } = event.security;
      if (schemes[schemeName] !== undefined && JSON.stringify(schemes[schemeName]) !== JSON.stringify(scheme))
        throw event.at
          .key("authorizer")
          .error(`authorizer ${schemeName} is declared elsewhere with other settings`);
      schemes[schemeName] = scheme;
    }
    if (event.private) schemes.api_key = { type: "apiKey", name: "x-api-key", in: "header" };
    if (event.cors !== undefined) cors.set(event.path, mergeCors(cors.get(event.path), event.cors));
  }
  for (const [path, settings] of cors) {
    const item = paths[path]!;
    if (isMapping(item.options))
      ctx.notices.push(
        ctx.root
          .key("functions")
          .notice(REST_API_ID, `${path} declares its own OPTIONS method; no CORS preflight is added`),
      );
    else item.options = preflightOperation(settings);
  }
  const name = apiName(ctx, apiGateway);
  const doc: Mapping = { swagger: "2.0", info: { title: name, version: "1.0" }, paths };
  if (Object.keys(schemes).length > 0) doc.securityDefinitions = schemes;
  documentSettings(ctx, apiGateway, doc);
  const properties: Mapping = { Name: name, Body: doc };
  const description = optionalString(apiGateway.description, apiGatewayAt.key("description"));
  if (description !== undefined) properties.Description = description;
  const endpoint = optionalString(ctx.provider.endpointType, ctx.root.key("provider").key("endpointType"));
  if (endpoint !== undefined) properties.EndpointConfiguration = { Types: [endpoint.toUpperCase()] };
  ctx.resources[REST_API_ID] = { Type: "AWS::ApiGateway::RestApi", Properties: properties };
  ctx.resources[REST_DEPLOYMENT_ID] = {
    Type: "AWS::ApiGateway::Deployment",
    Properties: { RestApiId: { Ref: REST_API_ID }, StageName: ctx.stage },
  };
  compileApiKeys(ctx, apiGateway, apiGatewayAt);
}
