import { newModelId } from "../model/ids.ts";
import type { Authorizer, Method, RestApiDefinition } from "../model/rest-api.ts";
import { importError } from "./errors.ts";
import { isObject, type OpenApiDocument } from "./parse-document.ts";

/** How an OpenAPI security scheme secures a method in API Gateway terms. */
type SchemeEffect =
  | { kind: "authorizer"; authorizerId: string; authorizationType: "CUSTOM" | "COGNITO_USER_POOLS" }
  | { kind: "iam" }
  | { kind: "apiKey" };

/**
 * Security schemes (`components.securitySchemes` / `securityDefinitions`) with AWS's extensions:
 * `x-amazon-apigateway-authorizer` → an Authorizer, `x-amazon-apigateway-authtype: awsSigv4` → IAM,
 * a plain header apiKey scheme → API keys. Returns each scheme's effect on methods that use it.
 */
export function readSecuritySchemes(
  doc: OpenApiDocument,
  def: RestApiDefinition,
  warnings: string[],
): Map<string, SchemeEffect> {
  const schemes =
    doc.version === "2.0"
      ? doc.root.securityDefinitions
      : isObject(doc.root.components)
        ? doc.root.components.securitySchemes
        : undefined;
  const effects = new Map<string, SchemeEffect>();
  if (!isObject(schemes)) return effects;
  for (const [name, raw] of Object.entries(schemes)) {
    if (!isObject(raw)) continue;
    const authType = String(raw["x-amazon-apigateway-authtype"] ?? "").toLowerCase();
    const x = raw["x-amazon-apigateway-authorizer"];
    if (authType === "awssigv4") {
      effects.set(name, { kind: "iam" });
      continue;
    }
    if (isObject(x)) {
      const type = String(x.type ?? "").toUpperCase();
      if (type !== "TOKEN" && type !== "REQUEST" && type !== "COGNITO_USER_POOLS") {
        throw importError(
          `Invalid OpenAPI input: securitySchemes.${name}: unsupported authorizer type ${String(x.type)}`,
        );
      }
      const headerName = raw.in === "header" && typeof raw.name === "string" ? raw.name : undefined;
      const authorizer: Authorizer = {
        id: newModelId(),
        name,
        type,
        authorizerResultTtlInSeconds:
          x.authorizerResultTtlInSeconds === undefined ? 300 : Number(x.authorizerResultTtlInSeconds),
      };
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
      effects.set(name, {
        kind: "authorizer",
        authorizerId: authorizer.id,
        authorizationType: type === "COGNITO_USER_POOLS" ? "COGNITO_USER_POOLS" : "CUSTOM",
      });
      continue;
    }
    if (raw.type === "apiKey" && raw.in === "header" && String(raw.name).toLowerCase() === "x-api-key") {
      effects.set(name, { kind: "apiKey" });
      continue;
    }
    warnings.push(
      `securitySchemes.${name} is not an API Gateway scheme (authorizer, awsSigv4 or x-api-key); ignored`,
    );
  }
  return effects;
}

/** Applies an operation's `security` requirements to its method (root-level `security` is ignored, as on AWS). */
export function applyOperationSecurity(
  method: Method,
  security: unknown,
  effects: Map<string, SchemeEffect>,
  where: string,
): void {
  if (!Array.isArray(security)) return;
  for (const requirement of security) {
    if (!isObject(requirement)) continue;
    for (const [name, scopes] of Object.entries(requirement)) {
      const effect = effects.get(name);
      if (effect === undefined)
        throw importError(`Invalid OpenAPI input: ${where}: security scheme ${name} is not defined`);
      if (effect.kind === "apiKey") method.apiKeyRequired = true;
      else if (effect.kind === "iam") method.authorizationType = "AWS_IAM";
      else {
        method.authorizationType = effect.authorizationType;
        method.authorizerId = effect.authorizerId;
        if (Array.isArray(scopes) && scopes.length > 0 && effect.authorizationType === "COGNITO_USER_POOLS") {
          method.authorizationScopes = scopes.map(String);
        }
      }
    }
  }
}
