import { INCLUDED, passthroughOf } from "./api.ts";
import type { SamApi, SamContext } from "./context.ts";
import { applyHttpCors } from "./cors.ts";
import { applyHttpAuth } from "./http-auth.ts";
import { isOpenApi3 } from "./swagger.ts";
import { at, idHash, isInclude, isMap, type Json, ref } from "./values.ts";

/**
 * AWS::Serverless::HttpApi → AWS::ApiGatewayV2::Api with the OpenAPI 3 `Body` (CorsConfiguration as
 * `x-amazon-apigateway-cors`, Auth as security schemes, SAM's tag), and an auto-deploying
 * AWS::ApiGatewayV2::Stage, `$default` unless StageName says otherwise.
 */
const TO_STAGE = ["StageVariables", "AccessLogSettings", "DefaultRouteSettings", "RouteSettings"];
const HANDLED = new Set([
  ...TO_STAGE,
  "StageName",
  "DefinitionBody",
  "DefinitionUri",
  "CorsConfiguration",
  "Auth",
  "Name",
  "Description",
  "Tags",
  "FailOnWarnings",
  "DisableExecuteApiEndpoint",
]);

export function translateHttpApi(ctx: SamContext, api: SamApi): void {
  const props = api.properties;
  const id = api.logicalId;
  const base = at("Resources", id, "Properties");
  for (const key of Object.keys(props))
    if (!HANDLED.has(key)) ctx.notice(id, at(base, key), `${key} is not carried over from a SAM HttpApi`);
  const body = props.DefinitionBody;
  const inline = !api.fromUri && isOpenApi3(body);
  for (const key of ["CorsConfiguration", "Auth", "Name", "Description"]) {
    if (props[key] === undefined || inline) continue;
    if (isInclude(body)) {
      ctx.notice(id, at(base, key), INCLUDED(key));
      continue;
    }
    ctx.fail(
      at(base, key),
      api.fromUri
        ? `${key} works only with inline OpenApi specified in the 'DefinitionBody' property.`
        : `Unable to add ${key} because 'DefinitionBody' does not contain a valid OpenApi definition.`,
    );
  }
  if (inline) {
    const doc = body as Json;
    if (props.CorsConfiguration !== undefined) applyHttpCors(ctx, api, doc, props.CorsConfiguration);
    if (props.Auth !== undefined) applyHttpAuth(ctx, api, doc, props.Auth);
    dropNoneMarkers(doc);
    // SAM's fix for FailOnWarnings: API Gateway warns that `$default` does not start with a slash.
    const paths = doc.paths as Json;
    if (props.FailOnWarnings === true && Object.hasOwn(paths, "$default")) {
      paths["/$default"] = paths.$default;
      delete paths.$default;
    }
    const tags = { ...(isMap(props.Tags) ? props.Tags : {}), "httpapi:createdBy": "SAM" };
    const list = Array.isArray(doc.tags) ? [...doc.tags] : [];
    for (const [name, value] of Object.entries(tags)) {
      const existing = list.find((t) => isMap(t) && t.name === name) as Json | undefined;
      if (existing) existing["x-amazon-apigateway-tag-value"] = value;
      else list.push({ name, "x-amazon-apigateway-tag-value": value });
    }
    doc.tags = list;
    const info: Json = isMap(doc.info) ? (doc.info as Json) : {};
    if (props.Name !== undefined) info.title = props.Name;
    if (props.Description !== undefined && !info.description) info.description = props.Description;
    doc.info = info;
    if (props.DisableExecuteApiEndpoint !== undefined)
      doc["x-amazon-apigateway-endpoint-configuration"] = {
        disableExecuteApiEndpoint: props.DisableExecuteApiEndpoint,
      };
  }
  const httpApi: Json = {};
  if (body !== undefined) httpApi.Body = body;
  if (props.FailOnWarnings !== undefined) httpApi.FailOnWarnings = props.FailOnWarnings;
  ctx.add(id, { Type: "AWS::ApiGatewayV2::Api", Properties: httpApi, ...api.attributes });

  const passthrough = passthroughOf(api.attributes);
  // SAM gives a Lambda authorizer permission to be invoked only when asked to (unlike REST APIs).
  const authorizers = isMap(props.Auth) && isMap(props.Auth.Authorizers) ? props.Auth.Authorizers : {};
  for (const [name, config] of Object.entries(authorizers)) {
    if (
      !isMap(config) ||
      config.FunctionArn === undefined ||
      config.EnableFunctionDefaultPermissions !== true
    )
      continue;
    ctx.add(`${id}${name}AuthorizerPermission`, {
      Type: "AWS::Lambda::Permission",
      Properties: {
        Action: "lambda:InvokeFunction",
        FunctionName: config.FunctionArn,
        Principal: "apigateway.amazonaws.com",
        SourceArn: {
          "Fn::Sub": [
            "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${__ApiId__}/authorizers/*",
            { __ApiId__: ref(id) },
          ],
        },
      },
      ...passthrough,
    });
  }
  const stageName = props.StageName ?? "$default";
  const stage: Json = { ApiId: ref(id), StageName: stageName, AutoDeploy: true };
  for (const key of TO_STAGE) if (props[key] !== undefined) stage[key] = props[key];
  stage.Tags = { ...(isMap(props.Tags) ? props.Tags : {}), "httpapi:createdBy": "SAM" };
  ctx.add(stageLogicalId(id, stageName), {
    Type: "AWS::ApiGatewayV2::Stage",
    Properties: stage,
    ...passthrough,
  });
}

function stageLogicalId(apiId: string, stageName: unknown): string {
  if (stageName === "$default") return `${apiId}ApiGatewayDefaultStage`;
  const name = typeof stageName === "string" ? stageName : "";
  if (/^[A-Za-z0-9]+$/.test(name)) return `${apiId}${name}Stage`;
  return `${apiId}Stage${name === "" ? "" : idHash(name)}`;
}

/**
 * An event's `Authorizer: NONE` leaves `{NONE: []}` in SAM's document, naming no scheme; the route
 * has no authorizer, which an empty security list says to an importer that checks names.
 */
function dropNoneMarkers(doc: Json): void {
  for (const item of Object.values(doc.paths as Json)) {
    if (!isMap(item)) continue;
    for (const op of Object.values(item)) {
      if (!isMap(op) || !Array.isArray(op.security)) continue;
      op.security = op.security.filter(
        (s) => !(isMap(s) && Object.keys(s).length === 1 && Object.hasOwn(s, "NONE")),
      );
    }
  }
}
