import type { HttpApiDefinition, HttpAuthorizer, HttpRoute } from "../model/http-api.ts";
import { newV2ChildId } from "../model/ids.ts";
import { readAuthExtension } from "./auth-extension.ts";
import { importError } from "./errors.ts";
import { readHttpAuthorizer } from "./http-authorizers.ts";
import { isObject, type OpenApiDocument } from "./parse-document.ts";
import { OPENAPI_SCHEME_TYPES, securitySchemeEntries } from "./security-schemes.ts";

/** How an HTTP API security scheme secures a route. */
export type HttpSchemeEffect =
  | { kind: "iam" }
  | { kind: "authorizer"; authorizer: HttpAuthorizer }
  /** A scheme API Gateway cannot enforce: a route requiring it is not created (it would be open). */
  | { kind: "unenforceable" };

/** A route's authorization, as CreateRoute takes it. */
export type RouteAuthorization = Pick<
  HttpRoute,
  "authorizationType" | "authorizerId" | "authorizationScopes"
>;

/**
 * HTTP API security schemes: `x-amazon-apigateway-authtype: awsSigv4` is IAM, and a scheme with
 * `x-amazon-apigateway-authorizer` (jwt, request) becomes an authorizer named after it — in
 * `authorizers`, under the id an existing authorizer of that name already has, so a reimport of the
 * same document gives the same definition. Any other scheme cannot be enforced: a warning says so
 * and routes requiring it are not created; a scheme type OpenAPI does not define is refused.
 */
export function readHttpSchemes(
  doc: OpenApiDocument,
  existing: HttpApiDefinition | undefined,
  authorizers: Record<string, HttpAuthorizer>,
  warnings: string[],
): Map<string, HttpSchemeEffect> {
  const oldIds = new Map(Object.values(existing?.authorizers ?? {}).map((a) => [a.name, a.authorizerId]));
  const effects = new Map<string, HttpSchemeEffect>();
  for (const [name, raw] of securitySchemeEntries(doc)) {
    const authType = raw["x-amazon-apigateway-authtype"];
    if (typeof authType === "string" && authType.toLowerCase() === "awssigv4") {
      effects.set(name, { kind: "iam" });
      continue;
    }
    const x = raw["x-amazon-apigateway-authorizer"];
    if (x !== undefined) {
      if (!isObject(x))
        throw importError(
          `Invalid OpenAPI input: securitySchemes.${name}.x-amazon-apigateway-authorizer must be an object`,
        );
      let id = oldIds.get(name) ?? newV2ChildId();
      while (authorizers[id] !== undefined) id = newV2ChildId();
      const authorizer = readHttpAuthorizer(name, x, id);
      authorizers[id] = authorizer;
      effects.set(name, { kind: "authorizer", authorizer });
      continue;
    }
    if (typeof raw.type !== "string" || !OPENAPI_SCHEME_TYPES.has(raw.type)) {
      throw importError(
        `Invalid OpenAPI input: securitySchemes.${name}: unknown security scheme type ${String(raw.type)}`,
      );
    }
    warnings.push(
      `securitySchemes.${name} (${raw.type}) is not a scheme API Gateway enforces for HTTP APIs (an x-amazon-apigateway-authorizer of type jwt or request, or awsSigv4); routes that require it are not created`,
    );
    effects.set(name, { kind: "unenforceable" });
  }
  return effects;
}

/**
 * A route's authorization from its operation's `security` and `x-amazon-apigateway-auth`, or
 * undefined when the route must not be created (it requires a scheme that cannot be enforced).
 * A requirement's scopes become the route's authorization scopes (JWT authorizers only); of several
 * alternatives the last one stands, as for REST methods: never more open than the document says.
 */
export function routeAuthorization(
  op: Record<string, unknown>,
  schemes: Map<string, HttpSchemeEffect>,
  where: string,
  warnings: string[],
): RouteAuthorization | undefined {
  let auth: RouteAuthorization = { authorizationType: "NONE" };
  const security = op.security;
  if (security !== undefined && !Array.isArray(security))
    throw importError(`Invalid OpenAPI input: ${where}.security must be a list`);
  for (const requirement of security ?? []) {
    if (!isObject(requirement))
      throw importError(`Invalid OpenAPI input: ${where}.security: every requirement must be an object`);
    let gate: string | undefined;
    for (const [name, scopes] of Object.entries(requirement)) {
      const effect = schemes.get(name);
      if (effect === undefined)
        throw importError(`Invalid OpenAPI input: ${where}: security scheme ${name} is not defined`);
      if (effect.kind === "unenforceable") {
        warnings.push(
          `${where} requires security scheme ${name}, which API Gateway cannot enforce; the route was not created`,
        );
        return undefined;
      }
      if (gate !== undefined) {
        throw importError(
          `Invalid OpenAPI input: ${where}: security requires both ${gate} and ${name}; a route has one authorization type`,
        );
      }
      gate = name;
      auth =
        effect.kind === "iam"
          ? { authorizationType: "AWS_IAM" }
          : viaAuthorizer(effect.authorizer, scopes, name, where);
    }
  }
  if (readAuthExtension(op["x-amazon-apigateway-auth"], where) === "AWS_IAM") {
    if (auth.authorizerId !== undefined) {
      throw importError(
        `Invalid OpenAPI input: ${where}: x-amazon-apigateway-auth AWS_IAM conflicts with its security authorizer; a route has one authorization type`,
      );
    }
    auth = { authorizationType: "AWS_IAM" };
  }
  return auth;
}

function viaAuthorizer(
  authorizer: HttpAuthorizer,
  scopes: unknown,
  name: string,
  where: string,
): RouteAuthorization {
  if (!Array.isArray(scopes) || !scopes.every((s) => typeof s === "string"))
    throw importError(`Invalid OpenAPI input: ${where}.security.${name} must be a list of scopes`);
  const jwt = authorizer.authorizerType === "JWT";
  if (!jwt && scopes.length > 0) {
    throw importError(
      `Invalid OpenAPI input: ${where}.security.${name}: authorization scopes are supported only for JWT authorizers, and ${name} is a request (Lambda) authorizer`,
    );
  }
  const auth: RouteAuthorization = {
    authorizationType: jwt ? "JWT" : "CUSTOM",
    authorizerId: authorizer.authorizerId,
  };
  if (scopes.length > 0) auth.authorizationScopes = scopes;
  return auth;
}
