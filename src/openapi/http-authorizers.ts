import type { HttpAuthorizer } from "../model/http-api.ts";
import { importError } from "./errors.ts";
import { isObject } from "./parse-document.ts";

/**
 * An HTTP API security scheme's `x-amazon-apigateway-authorizer` (`type: jwt` or `type: request`) read
 * into the fields CreateAuthorizer takes, under the scheme's name; AWS's documented shape:
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-authorizer.html
 *
 * Only the document's structure is checked here (types of fields, the authorizer type). The rules
 * CreateAuthorizer applies (issuer, audience, payload format, identity source expressions, TTL) are
 * the control plane's, applied to the result before anything is stored, so an import and a
 * CreateAuthorizer refuse the same authorizers with the same words.
 */
export function readHttpAuthorizer(
  name: string,
  x: Record<string, unknown>,
  authorizerId: string,
): HttpAuthorizer {
  const where = `securitySchemes.${name}.x-amazon-apigateway-authorizer`;
  const type = typeof x.type === "string" ? x.type.toLowerCase() : undefined;
  if (type !== "jwt" && type !== "request") {
    throw importError(
      `Invalid OpenAPI input: ${where}: unsupported authorizer type ${String(x.type)}. HTTP APIs support jwt and request authorizers`,
    );
  }
  const a: HttpAuthorizer = {
    authorizerId,
    name,
    authorizerType: type === "jwt" ? "JWT" : "REQUEST",
    identitySource: identitySources(x.identitySource, where),
  };
  if (type === "jwt") {
    a.jwtConfiguration = jwtConfiguration(x.jwtConfiguration, where);
    return a;
  }
  const uri = optionalString(x, "authorizerUri", where);
  if (uri !== undefined) a.authorizerUri = uri;
  const credentials = optionalString(x, "authorizerCredentials", where);
  if (credentials !== undefined) a.authorizerCredentialsArn = credentials;
  if (x.authorizerPayloadFormatVersion !== undefined) {
    // Left as written: CreateAuthorizer's rule names the valid versions.
    a.authorizerPayloadFormatVersion = String(x.authorizerPayloadFormatVersion) as "1.0" | "2.0";
  }
  if (x.enableSimpleResponses !== undefined) {
    if (typeof x.enableSimpleResponses !== "boolean")
      throw importError(`Invalid OpenAPI input: ${where}.enableSimpleResponses must be a boolean`);
    a.enableSimpleResponses = x.enableSimpleResponses;
  }
  if (x.authorizerResultTtlInSeconds !== undefined) {
    const ttl = x.authorizerResultTtlInSeconds;
    // AWS's own table types it a string; a number is what SAM and CloudFormation write.
    if (typeof ttl !== "number" && (typeof ttl !== "string" || ttl.trim() === ""))
      throw importError(`Invalid OpenAPI input: ${where}.authorizerResultTtlInSeconds must be a number`);
    a.authorizerResultTtlInSeconds = Number(ttl);
  }
  return a;
}

function optionalString(x: Record<string, unknown>, key: string, where: string): string | undefined {
  const v = x[key];
  if (v === undefined) return undefined;
  if (typeof v !== "string") throw importError(`Invalid OpenAPI input: ${where}.${key} must be a string`);
  return v;
}

/**
 * AWS's model: a comma-separated string (`$request.header.Authorization,$request.querystring.id`);
 * a list is what the v2 API itself takes, so both are read. An empty entry (`a,,b`) is kept, for
 * CreateAuthorizer's rule to refuse by name.
 */
function identitySources(value: unknown, where: string): string[] {
  if (value === undefined) return [];
  if (typeof value === "string") return value.split(",").map((s) => s.trim());
  if (Array.isArray(value) && value.every((s) => typeof s === "string")) return value.map((s) => s.trim());
  throw importError(
    `Invalid OpenAPI input: ${where}.identitySource must be a comma-separated string of identity sources`,
  );
}

function jwtConfiguration(value: unknown, where: string): NonNullable<HttpAuthorizer["jwtConfiguration"]> {
  if (value === undefined) return {};
  if (!isObject(value))
    throw importError(`Invalid OpenAPI input: ${where}.jwtConfiguration must be an object`);
  const out: NonNullable<HttpAuthorizer["jwtConfiguration"]> = {};
  if (value.issuer !== undefined) {
    if (typeof value.issuer !== "string")
      throw importError(`Invalid OpenAPI input: ${where}.jwtConfiguration.issuer must be a string`);
    out.issuer = value.issuer;
  }
  if (value.audience !== undefined) {
    const audience = value.audience;
    if (!Array.isArray(audience) || !audience.every((s) => typeof s === "string"))
      throw importError(
        `Invalid OpenAPI input: ${where}.jwtConfiguration.audience must be a list of strings`,
      );
    out.audience = audience;
  }
  return out;
}
