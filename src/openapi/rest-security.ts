import { authorizerUriProblem } from "../integrations/integration-target.ts";
import { AWS_QUOTAS } from "../model/aws-quotas.ts";
import { newModelId } from "../model/ids.ts";
import type { Authorizer, Method, RestApiDefinition } from "../model/rest-api.ts";
import { patternProblem } from "../regex/java-pattern.ts";
import { readAuthExtension } from "./auth-extension.ts";
import { importError } from "./errors.ts";
import { isObject, type OpenApiDocument } from "./parse-document.ts";
import { OPENAPI_SCHEME_TYPES, securitySchemeEntries } from "./security-schemes.ts";

/** How an OpenAPI security scheme secures a method in API Gateway terms. */
export type SchemeEffect =
  | { kind: "authorizer"; authorizerId: string; authorizationType: "CUSTOM" | "COGNITO_USER_POOLS" }
  | { kind: "iam" }
  | { kind: "apiKey" }
  /** A scheme API Gateway cannot enforce: a method requiring it is not created (it would be open). */
  | { kind: "unenforceable" };

const stringOr = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

function authorizerFrom(
  name: string,
  raw: Record<string, unknown>,
  x: Record<string, unknown>,
  def: RestApiDefinition,
): SchemeEffect {
  const type = String(x.type ?? "").toUpperCase();
  if (type !== "TOKEN" && type !== "REQUEST" && type !== "COGNITO_USER_POOLS") {
    throw importError(
      `Invalid OpenAPI input: securitySchemes.${name}: unsupported authorizer type ${String(x.type)}`,
    );
  }
  // A Lambda authorizer's URI is checked as CreateAuthorizer checks it.
  const uriProblem =
    type === "COGNITO_USER_POOLS" ? undefined : authorizerUriProblem(stringOr(x.authorizerUri));
  if (uriProblem !== undefined)
    throw importError(`Invalid OpenAPI input: securitySchemes.${name}: ${uriProblem}`);
  const headerName = raw.in === "header" && typeof raw.name === "string" ? raw.name : undefined;
  const ttl = x.authorizerResultTtlInSeconds === undefined ? 300 : Number(x.authorizerResultTtlInSeconds);
  if (!Number.isInteger(ttl) || ttl < 0 || ttl > AWS_QUOTAS.authorizerTtlMaxSeconds) {
    throw importError(
      `Invalid OpenAPI input: securitySchemes.${name}: Invalid authorizer TTL specified: must be between 0 and ${AWS_QUOTAS.authorizerTtlMaxSeconds}`,
    );
  }
  const expression = x.identityValidationExpression;
  if (
    expression !== undefined &&
    (typeof expression !== "string" || patternProblem(expression) !== undefined)
  ) {
    throw importError(
      `Invalid OpenAPI input: securitySchemes.${name}: Invalid identity validation expression specified`,
    );
  }
  const authorizer: Authorizer = { id: newModelId(), name, type, authorizerResultTtlInSeconds: ttl };
  if (typeof raw["x-amazon-apigateway-authtype"] === "string")
    authorizer.authType = raw["x-amazon-apigateway-authtype"];
  for (const key of ["authorizerUri", "authorizerCredentials", "identityValidationExpression"] as const) {
    if (typeof x[key] === "string") authorizer[key] = x[key] as string;
  }
  if (typeof x.identitySource === "string") authorizer.identitySource = x.identitySource;
  else if (headerName !== undefined && type !== "REQUEST")
    authorizer.identitySource = `method.request.header.${headerName}`;
  if (Array.isArray(x.providerARNs)) authorizer.providerARNs = x.providerARNs.map(String);
  def.authorizers ??= {};
  def.authorizers[authorizer.id] = authorizer;
  return {
    kind: "authorizer",
    authorizerId: authorizer.id,
    authorizationType: type === "COGNITO_USER_POOLS" ? "COGNITO_USER_POOLS" : "CUSTOM",
  };
}

/**
 * Security schemes (`components.securitySchemes` / `securityDefinitions`) with AWS's extensions:
 * `x-amazon-apigateway-authorizer` → an Authorizer, `x-amazon-apigateway-authtype: awsSigv4` → IAM,
 * a header `x-api-key` apiKey scheme → API keys. Any other scheme cannot be enforced by API Gateway:
 * a warning says so, and methods requiring it are not created (AWS's own rule for an authtype without
 * an authorizer), so that nothing the document protects ends up open. A type OpenAPI does not define
 * is refused.
 */
export function readSecuritySchemes(
  doc: OpenApiDocument,
  def: RestApiDefinition,
  warnings: string[],
): Map<string, SchemeEffect> {
  const effects = new Map<string, SchemeEffect>();
  for (const [name, raw] of securitySchemeEntries(doc)) {
    const authType = raw["x-amazon-apigateway-authtype"];
    if (authType !== undefined && typeof authType !== "string")
      throw importError(
        `Invalid OpenAPI input: securitySchemes.${name}.x-amazon-apigateway-authtype must be a string`,
      );
    const x = raw["x-amazon-apigateway-authorizer"];
    if (authType?.toLowerCase() === "awssigv4") {
      effects.set(name, { kind: "iam" });
      continue;
    }
    if (x !== undefined) {
      if (!isObject(x))
        throw importError(
          `Invalid OpenAPI input: securitySchemes.${name}.x-amazon-apigateway-authorizer must be an object`,
        );
      effects.set(name, authorizerFrom(name, raw, x, def));
      continue;
    }
    if (authType !== undefined) {
      // AWS's warning, word for word, for an authtype with nothing to enforce it.
      warnings.push(
        `Unable to create authorizer from security definition: '${name}'. Extension x-amazon-apigateway-authorizer is required. Any methods with security: '${name}' will not be created. If this security definition is not a custom authorizer, remove the x-amazon-apigateway-authtype extension and it will be ignored.`,
      );
      effects.set(name, { kind: "unenforceable" });
      continue;
    }
    if (typeof raw.type !== "string" || !OPENAPI_SCHEME_TYPES.has(raw.type)) {
      throw importError(
        `Invalid OpenAPI input: securitySchemes.${name}: unknown security scheme type ${String(raw.type)}`,
      );
    }
    if (raw.type === "apiKey" && raw.in === "header" && String(raw.name).toLowerCase() === "x-api-key") {
      effects.set(name, { kind: "apiKey" });
      continue;
    }
    warnings.push(
      `securitySchemes.${name} (${raw.type}) is not a scheme API Gateway enforces (a Lambda or Cognito authorizer, awsSigv4 or an x-api-key API key); methods that require it are not created`,
    );
    effects.set(name, { kind: "unenforceable" });
  }
  return effects;
}

/**
 * Applies an operation's `security` requirements and its `x-amazon-apigateway-auth` to its method.
 * Returns false when the method must not be created: it requires a scheme API Gateway cannot
 * enforce. API keys of every alternative apply, and of several authorization types the last one
 * stands (OpenAPI's "any one of" narrowed to one): either way no more open than the document says.
 */
export function applyOperationSecurity(
  method: Method,
  op: Record<string, unknown>,
  effects: Map<string, SchemeEffect>,
  where: string,
  warnings: string[],
): boolean {
  const security = op.security;
  if (security !== undefined && !Array.isArray(security))
    throw importError(`Invalid OpenAPI input: ${where}.security must be a list`);
  for (const requirement of security ?? []) {
    if (!isObject(requirement))
      throw importError(`Invalid OpenAPI input: ${where}.security: every requirement must be an object`);
    let gate: string | undefined;
    for (const [name, scopes] of Object.entries(requirement)) {
      const effect = effects.get(name);
      if (effect === undefined)
        throw importError(`Invalid OpenAPI input: ${where}: security scheme ${name} is not defined`);
      if (effect.kind === "unenforceable") {
        warnings.push(
          `${where} requires security scheme ${name}, which API Gateway cannot enforce; the method was not created`,
        );
        return false;
      }
      if (effect.kind === "apiKey") {
        method.apiKeyRequired = true;
        continue;
      }
      // One requirement lists schemes that must all pass; a method has one authorization type.
      if (gate !== undefined) {
        throw importError(
          `Invalid OpenAPI input: ${where}: security requires both ${gate} and ${name}; a method has one authorization type`,
        );
      }
      gate = name;
      if (effect.kind === "iam") {
        method.authorizationType = "AWS_IAM";
        delete method.authorizerId;
        delete method.authorizationScopes;
      } else {
        method.authorizationType = effect.authorizationType;
        method.authorizerId = effect.authorizerId;
        if (Array.isArray(scopes) && scopes.length > 0 && effect.authorizationType === "COGNITO_USER_POOLS") {
          method.authorizationScopes = scopes.map(String);
        }
      }
    }
  }
  const auth = readAuthExtension(op["x-amazon-apigateway-auth"], where);
  if (auth === "AWS_IAM") {
    if (method.authorizationType === "CUSTOM" || method.authorizationType === "COGNITO_USER_POOLS") {
      throw importError(
        `Invalid OpenAPI input: ${where}: x-amazon-apigateway-auth AWS_IAM conflicts with its security authorizer; a method has one authorization type`,
      );
    }
    method.authorizationType = "AWS_IAM";
  }
  return true;
}
