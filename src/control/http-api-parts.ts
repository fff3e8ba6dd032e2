import { AWS_QUOTAS } from "../model/aws-quotas.ts";
import type { HttpApiDefinition, HttpAuthorizer } from "../model/http-api.ts";
import { newV2ChildId } from "../model/ids.ts";
import { badRequest, ControlError, notFound } from "./errors.ts";
import { checkCount } from "./limits.ts";

/**
 * apigatewayv2 authorizers with AWS's validation: HTTP APIs' JWT and Lambda REQUEST authorizers, and
 * WebSocket APIs' Lambda REQUEST authorizers, whose identity sources are mapping expressions without
 * the `$` (`route.request.header.Auth`, `route.request.querystring.token`, `stageVariables.x`,
 * `context.y`) and which have no payload format version.
 */

const IDENTITY = /^\$(request\.(header|querystring)\.[^,\s]+|context\.[^,\s]+|stageVariables\.[^,\s]+)$/;
const WS_IDENTITY =
  /^(?:route\.request\.(?:header|querystring)\.[A-Za-z0-9._-]+|stageVariables\.[A-Za-z0-9._-]+|context\.[A-Za-z0-9._-]+)$/;

function applyAuthorizer(a: HttpAuthorizer, body: Record<string, unknown>, ws: boolean): void {
  if (typeof body.name === "string") a.name = body.name;
  if (typeof body.authorizerType === "string") {
    if (ws && body.authorizerType !== "REQUEST")
      throw badRequest("Invalid authorizer type. WebSocket APIs support only REQUEST authorizers");
    if (body.authorizerType !== "JWT" && body.authorizerType !== "REQUEST")
      throw badRequest("Invalid authorizer type. Valid values are JWT and REQUEST");
    a.authorizerType = body.authorizerType;
  }
  if (Array.isArray(body.identitySource)) a.identitySource = body.identitySource.map(String);
  if (typeof body.jwtConfiguration === "object" && body.jwtConfiguration !== null) {
    a.jwtConfiguration = body.jwtConfiguration as HttpAuthorizer["jwtConfiguration"];
  }
  for (const key of ["authorizerUri", "authorizerCredentialsArn", "identityValidationExpression"] as const) {
    if (typeof body[key] === "string") a[key] = body[key] as string;
  }
  if (body.authorizerPayloadFormatVersion !== undefined) {
    const v = String(body.authorizerPayloadFormatVersion);
    if (v !== "1.0" && v !== "2.0")
      throw badRequest("Invalid authorizerPayloadFormatVersion. Valid values are 1.0 and 2.0");
    a.authorizerPayloadFormatVersion = v;
  }
  if (body.authorizerResultTtlInSeconds !== undefined) {
    const ttl = Number(body.authorizerResultTtlInSeconds);
    if (!Number.isInteger(ttl) || ttl < 0 || ttl > 3600)
      throw badRequest("AuthorizerResultTtlInSeconds must be between 0 and 3600");
    a.authorizerResultTtlInSeconds = ttl;
  }
  if (typeof body.enableSimpleResponses === "boolean") a.enableSimpleResponses = body.enableSimpleResponses;

  if (a.name === "") throw badRequest("Authorizer name is required");
  for (const source of a.identitySource) {
    if (!(ws ? WS_IDENTITY : IDENTITY).test(source)) throw badRequest(`Invalid identity source ${source}`);
  }
  if (ws) {
    if (!a.authorizerUri) throw badRequest("REQUEST authorizers require an authorizerUri");
    return;
  }
  if (a.authorizerType === "JWT") {
    if (!a.jwtConfiguration?.issuer) throw badRequest("JWT authorizers require jwtConfiguration.issuer");
    if (!a.jwtConfiguration.audience?.length)
      throw badRequest("JWT authorizers require at least one audience");
    if (a.identitySource.length !== 1) throw badRequest("JWT authorizers take exactly one identity source");
  } else {
    if (!a.authorizerUri) throw badRequest("REQUEST authorizers require an authorizerUri");
    if (a.authorizerPayloadFormatVersion === undefined)
      throw badRequest("REQUEST authorizers require authorizerPayloadFormatVersion");
    if (a.enableSimpleResponses && a.authorizerPayloadFormatVersion !== "2.0") {
      throw badRequest("Simple responses are only supported with payload format version 2.0");
    }
    if ((a.authorizerResultTtlInSeconds ?? 0) > 0 && a.identitySource.length === 0) {
      throw badRequest("Caching requires at least one identity source");
    }
  }
}

export function createAuthorizer(def: HttpApiDefinition, body: Record<string, unknown>): HttpAuthorizer {
  if (typeof body.name !== "string") throw badRequest("Authorizer name is required");
  const ws = def.api.protocolType === "WEBSOCKET";
  if (body.authorizerType === undefined) throw badRequest("AuthorizerType is required");
  const a: HttpAuthorizer = {
    authorizerId: newV2ChildId(),
    name: body.name,
    authorizerType: ws ? "REQUEST" : "JWT",
    identitySource: [],
  };
  applyAuthorizer(a, body, ws);
  checkCount(Object.keys(def.authorizers ?? {}).length, AWS_QUOTAS.authorizersPerApi, "Authorizers");
  def.authorizers ??= {};
  def.authorizers[a.authorizerId] = a;
  return a;
}

export function findAuthorizer(def: HttpApiDefinition, id: string): HttpAuthorizer {
  const a = def.authorizers?.[id];
  if (a === undefined) throw notFound(`Invalid Authorizer identifier specified ${id}`);
  return a;
}

export function updateAuthorizer(
  def: HttpApiDefinition,
  id: string,
  body: Record<string, unknown>,
): HttpAuthorizer {
  const a = structuredClone(findAuthorizer(def, id));
  applyAuthorizer(a, body, def.api.protocolType === "WEBSOCKET");
  def.authorizers![id] = a;
  return a;
}

export function deleteAuthorizer(def: HttpApiDefinition, id: string): void {
  findAuthorizer(def, id);
  if (Object.values(def.routes).some((r) => r.authorizerId === id)) {
    throw new ControlError("ConflictException", `Authorizer ${id} is still used by a route`);
  }
  delete def.authorizers![id];
}

/**
 * The authorizers an OpenAPI import read (ImportApi, ReimportApi), put through CreateAuthorizer's
 * own rules and rebuilt from its fields under the ids the import chose, so an imported authorizer is
 * stored exactly as CreateAuthorizer would store it and is refused with the same words, prefixed
 * with the security scheme it came from.
 */
export function checkImportedAuthorizers(def: HttpApiDefinition): void {
  const imported = Object.values(def.authorizers ?? {});
  if (imported.length === 0) return;
  checkCount(imported.length - 1, AWS_QUOTAS.authorizersPerApi, "Authorizers");
  for (const from of imported) {
    const a: HttpAuthorizer = {
      authorizerId: from.authorizerId,
      name: from.name,
      authorizerType: "JWT",
      identitySource: [],
    };
    try {
      // OpenAPI documents describe HTTP APIs only (ImportApi refuses a WebSocket API).
      applyAuthorizer(a, { ...from }, false);
    } catch (err) {
      if (!(err instanceof ControlError)) throw err;
      throw new ControlError(err.type, `Invalid OpenAPI input: securitySchemes.${from.name}: ${err.message}`);
    }
    def.authorizers![a.authorizerId] = a;
  }
}
