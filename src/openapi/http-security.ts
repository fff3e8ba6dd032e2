import { readAuthExtension } from "./auth-extension.ts";
import { importError } from "./errors.ts";
import { isObject, type OpenApiDocument } from "./parse-document.ts";
import { OPENAPI_SCHEME_TYPES, securitySchemeEntries } from "./security-schemes.ts";

/**
 * HTTP API security schemes: `x-amazon-apigateway-authtype: awsSigv4` is IAM. Authorizers (JWT,
 * Lambda) are not imported into HTTP APIs yet, so a route requiring one is not created, with a
 * warning, rather than left open; a scheme type OpenAPI does not define is refused.
 */
export function readHttpSchemes(doc: OpenApiDocument, warnings: string[]): Map<string, boolean> {
  const iam = new Map<string, boolean>();
  for (const [name, raw] of securitySchemeEntries(doc)) {
    const authType = raw["x-amazon-apigateway-authtype"];
    if (typeof authType === "string" && authType.toLowerCase() === "awssigv4") {
      iam.set(name, true);
      continue;
    }
    if (typeof raw.type !== "string" || !OPENAPI_SCHEME_TYPES.has(raw.type)) {
      throw importError(
        `Invalid OpenAPI input: securitySchemes.${name}: unknown security scheme type ${String(raw.type)}`,
      );
    }
    warnings.push(
      `securitySchemes.${name}: only awsSigv4 schemes are imported into HTTP APIs; routes that require ${name} are not created (create its authorizer with CreateAuthorizer and attach it with UpdateRoute)`,
    );
    iam.set(name, false);
  }
  return iam;
}

/**
 * A route's authorization from its operation's `security` and `x-amazon-apigateway-auth`, or
 * undefined when the route must not be created (it requires a scheme that is not imported).
 */
export function routeAuthorization(
  op: Record<string, unknown>,
  schemes: Map<string, boolean>,
  where: string,
  warnings: string[],
): "NONE" | "AWS_IAM" | undefined {
  let type: "NONE" | "AWS_IAM" = "NONE";
  const security = op.security;
  if (security !== undefined && !Array.isArray(security))
    throw importError(`Invalid OpenAPI input: ${where}.security must be a list`);
  for (const requirement of security ?? []) {
    if (!isObject(requirement))
      throw importError(`Invalid OpenAPI input: ${where}.security: every requirement must be an object`);
    for (const name of Object.keys(requirement)) {
      const isIam = schemes.get(name);
      if (isIam === undefined)
        throw importError(`Invalid OpenAPI input: ${where}: security scheme ${name} is not defined`);
      if (!isIam) {
        warnings.push(
          `${where} requires security scheme ${name}, which is not imported; the route was not created`,
        );
        return undefined;
      }
      type = "AWS_IAM";
    }
  }
  if (readAuthExtension(op["x-amazon-apigateway-auth"], where) === "AWS_IAM") type = "AWS_IAM";
  return type;
}
