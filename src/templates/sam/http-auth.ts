import type { SamApi, SamContext } from "./context.ts";
import { AWS_IAM_DEFINITION, addSecurityDefinition, authorizerUri, integratedOperations } from "./swagger.ts";
import { at, isMap, type Json } from "./values.ts";

/**
 * An HTTP API's `Auth` as SAM writes it into OpenAPI: JWT authorizers as `oauth2` schemes with
 * `x-amazon-apigateway-authorizer {type: jwt, jwtConfiguration, identitySource}` (the
 * configuration's keys lower-cased, as the extension wants them), Lambda authorizers as `request`
 * authorizers, `EnableIamAuthorizer` as AWS_IAM, and the DefaultAuthorizer on every integrated
 * route that has no security of its own.
 */
const AUTH_KEYS = new Set(["Authorizers", "DefaultAuthorizer", "EnableIamAuthorizer"]);
const JWT_KEYS = new Set(["AuthorizationScopes", "JwtConfiguration", "IdentitySource"]);
const LAMBDA_KEYS = new Set([
  "FunctionArn",
  "FunctionInvokeRole",
  "Identity",
  "AuthorizerPayloadFormatVersion",
  "EnableSimpleResponses",
  "EnableFunctionDefaultPermissions",
]);

export function applyHttpAuth(ctx: SamContext, api: SamApi, doc: Json, auth: unknown): void {
  const base = at("Resources", api.logicalId, "Properties", "Auth");
  if (!isMap(auth)) ctx.fail(base, "Auth must be a mapping");
  for (const key of Object.keys(auth))
    if (!AUTH_KEYS.has(key)) ctx.fail(at(base, key), `${key} is not a property of a SAM HttpApi's Auth`);
  const schemes = new Map<string, Json>();
  const scopes = new Map<string, unknown>();
  if (auth.EnableIamAuthorizer === true) schemes.set("AWS_IAM", { ...AWS_IAM_DEFINITION });
  const configs = auth.Authorizers;
  if (configs !== undefined && !isMap(configs))
    ctx.fail(at(base, "Authorizers"), "Authorizers must be a mapping");
  for (const [name, config] of Object.entries(configs ?? {})) {
    const path = at(base, "Authorizers", name);
    if (!isMap(config)) ctx.fail(path, "an authorizer is a mapping (JwtConfiguration or FunctionArn, …)");
    if (config.OpenIdConnectUrl !== undefined)
      ctx.fail(
        at(path, "OpenIdConnectUrl"),
        `'OpenIdConnectUrl' is no longer a supported property for authorizer '${name}'.`,
      );
    const jwt = config.JwtConfiguration !== undefined;
    const allowed = jwt ? JWT_KEYS : LAMBDA_KEYS;
    for (const key of Object.keys(config))
      if (!allowed.has(key))
        ctx.fail(
          at(path, key),
          `${key} is not a property of ${jwt ? "a JWT (OAuth2)" : "a Lambda"} authorizer`,
        );
    scopes.set(name, config.AuthorizationScopes);
    schemes.set(name, jwt ? jwtScheme(ctx, path, config) : lambdaScheme(ctx, path, name, config));
  }
  for (const [name, scheme] of schemes) addSecurityDefinition(doc, name, scheme, true);
  const defaultName = auth.DefaultAuthorizer;
  if (defaultName === undefined || defaultName === null) return;
  if (typeof defaultName !== "string")
    ctx.fail(at(base, "DefaultAuthorizer"), "DefaultAuthorizer must be a string");
  if (!schemes.has(defaultName))
    ctx.fail(
      at(base, "DefaultAuthorizer"),
      `Unable to set DefaultAuthorizer because '${defaultName}' was not defined in 'Authorizers'.`,
    );
  const defaultScopes = scopes.get(defaultName);
  for (const item of Object.values(doc.paths as Json)) {
    if (!isMap(item)) continue;
    for (const [method, op] of integratedOperations(item)) {
      if (method === "options" || (Array.isArray(op.security) && op.security.length > 0)) continue;
      op.security = [{ [defaultName]: Array.isArray(defaultScopes) ? [...defaultScopes] : [] }];
    }
  }
}

function jwtScheme(ctx: SamContext, path: string, config: Json): Json {
  const given = config.JwtConfiguration;
  if (!isMap(given))
    ctx.fail(at(path, "JwtConfiguration"), "JwtConfiguration must be a mapping (issuer, audience)");
  const jwtConfiguration = Object.fromEntries(Object.entries(given).map(([k, v]) => [k.toLowerCase(), v]));
  if (config.IdentitySource === undefined)
    ctx.fail(
      at(path, "IdentitySource"),
      "a JWT authorizer needs IdentitySource (such as $request.header.Authorization)",
    );
  return {
    type: "oauth2",
    "x-amazon-apigateway-authorizer": {
      jwtConfiguration,
      identitySource: config.IdentitySource,
      type: "jwt",
    },
  };
}

function lambdaScheme(ctx: SamContext, path: string, name: string, config: Json): Json {
  if (config.FunctionArn === undefined)
    ctx.fail(at(path, "FunctionArn"), "a Lambda authorizer needs FunctionArn");
  const version = config.AuthorizerPayloadFormatVersion;
  if (version === undefined)
    ctx.fail(
      at(path, "AuthorizerPayloadFormatVersion"),
      `${name} Lambda Authorizer must define 'AuthorizerPayloadFormatVersion' ("1.0" or "2.0").`,
    );
  const authorizer: Json = { type: "request", authorizerUri: authorizerUri(config.FunctionArn) };
  const role = config.FunctionInvokeRole;
  if (role && role !== "NONE") authorizer.authorizerCredentials = role;
  const identity = config.Identity;
  if (identity !== undefined) {
    if (!isMap(identity)) ctx.fail(at(path, "Identity"), "Identity must be a mapping");
    if (identity.ReauthorizeEvery !== undefined)
      authorizer.authorizerResultTtlInSeconds = identity.ReauthorizeEvery;
    const sources: string[] = [];
    for (const [key, prefix] of [
      ["Headers", "$request.header."],
      ["QueryStrings", "$request.querystring."],
      ["StageVariables", "$stageVariables."],
      ["Context", "$context."],
    ] as const) {
      const values = identity[key];
      if (values === undefined) continue;
      if (!Array.isArray(values)) ctx.fail(at(path, "Identity", key), `${key} must be a list`);
      for (const v of values) sources.push(prefix + String(v));
    }
    authorizer.identitySource = sources;
  }
  authorizer.authorizerPayloadFormatVersion = version;
  if (config.EnableSimpleResponses) authorizer.enableSimpleResponses = config.EnableSimpleResponses;
  return { type: "apiKey", name: "Unused", in: "header", "x-amazon-apigateway-authorizer": authorizer };
}
