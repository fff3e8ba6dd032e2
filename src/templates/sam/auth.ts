import type { SamApi, SamContext } from "./context.ts";
import {
  API_KEY_DEFINITION,
  AWS_IAM_DEFINITION,
  addSecurityDefinition,
  authorizerUri,
  integratedOperations,
  operation,
  securityOf,
} from "./swagger.ts";
import { at, isMap, type Json, own } from "./values.ts";

/**
 * A REST API's `Auth` as SAM turns it into Swagger: each authorizer a `securityDefinitions` entry
 * with `x-amazon-apigateway-authorizer`, the DefaultAuthorizer on every integrated method that has
 * no authorizer of its own (an event's `Authorizer: NONE` opts out), `ApiKeyRequired` as `api_key`
 * security (an event's `ApiKeyRequired: false` opts out).
 */
const AUTH_KEYS = new Set([
  "DefaultAuthorizer",
  "Authorizers",
  "ApiKeyRequired",
  "UsagePlan",
  "AddDefaultAuthorizerToCorsPreflight",
  "AddApiKeyRequiredToCorsPreflight",
  "ResourcePolicy",
  "InvokeRole",
]);
const AUTHORIZER_KEYS = new Set([
  "UserPoolArn",
  "FunctionArn",
  "Identity",
  "FunctionPayloadType",
  "FunctionInvokeRole",
  "AuthorizationScopes",
  "DisableFunctionDefaultPermissions",
]);

export interface RestAuthorizer {
  name: string;
  config: Json;
  kind: "AWS_IAM" | "COGNITO_USER_POOLS" | "LAMBDA";
  payload: "TOKEN" | "REQUEST";
}

/** The API's authorizers, checked; AWS_IAM among them when it is the DefaultAuthorizer. */
export function restAuthorizers(ctx: SamContext, api: SamApi, auth: Json): Map<string, RestAuthorizer> {
  const base = at("Resources", api.logicalId, "Properties", "Auth");
  const out = new Map<string, RestAuthorizer>();
  if (own(auth, "DefaultAuthorizer") === "AWS_IAM")
    out.set("AWS_IAM", { name: "AWS_IAM", config: {}, kind: "AWS_IAM", payload: "TOKEN" });
  const configs = own(auth, "Authorizers");
  if (configs === undefined) return out;
  if (!isMap(configs))
    ctx.fail(at(base, "Authorizers"), "Authorizers must be a mapping of name to authorizer");
  for (const [name, config] of Object.entries(configs)) {
    const path = at(base, "Authorizers", name);
    if (!isMap(config))
      ctx.fail(path, "an authorizer is a mapping (FunctionArn or UserPoolArn, Identity, …)");
    for (const key of Object.keys(config))
      if (!AUTHORIZER_KEYS.has(key))
        ctx.notice(api.logicalId, at(path, key), `${key} is not an authorizer property`);
    const payload = own(config, "FunctionPayloadType") ?? "TOKEN";
    if (payload !== "TOKEN" && payload !== "REQUEST")
      ctx.fail(
        at(path, "FunctionPayloadType"),
        `FunctionPayloadType is TOKEN or REQUEST, not ${String(payload)}`,
      );
    const kind = own(config, "UserPoolArn") ? "COGNITO_USER_POOLS" : "LAMBDA";
    if (kind === "LAMBDA" && !own(config, "FunctionArn"))
      ctx.fail(path, "a Lambda authorizer needs FunctionArn (a Cognito one, UserPoolArn)");
    const identity = own(config, "Identity");
    if (identity !== undefined && !isMap(identity))
      ctx.fail(at(path, "Identity"), "Identity must be a mapping");
    if (kind === "LAMBDA" && payload === "REQUEST" && missingIdentitySource(identity))
      ctx.fail(
        at(path, "Identity"),
        `${name} Authorizer must specify Identity with at least one of Headers, QueryStrings, StageVariables, or Context.`,
      );
    out.set(name, { name, config, kind, payload });
  }
  return out;
}

function missingIdentitySource(identity: unknown): boolean {
  if (!isMap(identity)) return true;
  const none = !identity.Headers && !identity.QueryStrings && !identity.StageVariables && !identity.Context;
  const ttl = Number(identity.ReauthorizeEvery);
  if (identity.ReauthorizeEvery === undefined || Number.isNaN(ttl)) return none;
  return ttl > 0 && none;
}

function identitySource(identity: Json): string {
  const parts: string[] = [];
  const prefixes: [string, string][] = [
    ["Headers", "method.request.header."],
    ["QueryStrings", "method.request.querystring."],
    ["StageVariables", "stageVariables."],
    ["Context", "context."],
  ];
  for (const [key, prefix] of prefixes) {
    const values = own(identity, key);
    if (Array.isArray(values)) for (const v of values) parts.push(prefix + String(v));
  }
  return parts.join(", ");
}

/** The `securityDefinitions` entry SAM writes for an authorizer. */
export function restSecurityDefinition(a: RestAuthorizer): Json {
  if (a.kind === "AWS_IAM") return { ...AWS_IAM_DEFINITION };
  const identity = isMap(a.config.Identity) ? a.config.Identity : {};
  const header =
    a.kind === "LAMBDA" && a.payload === "REQUEST"
      ? "Unused"
      : typeof identity.Header === "string" && identity.Header !== ""
        ? identity.Header
        : "Authorization";
  const out: Json = {
    type: "apiKey",
    name: header,
    in: "header",
    "x-amazon-apigateway-authtype": a.kind === "COGNITO_USER_POOLS" ? "cognito_user_pools" : "custom",
  };
  let authorizer: Json;
  if (a.kind === "COGNITO_USER_POOLS") {
    const arns = a.config.UserPoolArn;
    authorizer = { type: "cognito_user_pools", providerARNs: Array.isArray(arns) ? arns : [arns] };
  } else {
    authorizer = {
      type: a.payload === "REQUEST" ? "request" : "token",
      authorizerUri: authorizerUri(a.config.FunctionArn),
    };
    if (identity.ReauthorizeEvery !== undefined)
      authorizer.authorizerResultTtlInSeconds = identity.ReauthorizeEvery;
    const role = a.config.FunctionInvokeRole;
    if (role && role !== "NONE") authorizer.authorizerCredentials = role;
    if (a.payload === "REQUEST") {
      const source = identitySource(identity);
      if (source !== "") authorizer.identitySource = source;
    }
  }
  // SAM writes a validation expression for Cognito and TOKEN authorizers only.
  if ((a.kind === "COGNITO_USER_POOLS" || a.payload === "TOKEN") && identity.ValidationExpression)
    authorizer.identityValidationExpression = identity.ValidationExpression;
  out["x-amazon-apigateway-authorizer"] = authorizer;
  return out;
}

const scopesOf = (authorizers: Map<string, RestAuthorizer>, name: string): unknown[] => {
  const scopes = authorizers.get(name)?.config.AuthorizationScopes;
  return Array.isArray(scopes) ? [...scopes] : [];
};

/** The API-level Auth applied to its document (after every event has added its methods). */
export function applyRestAuth(
  ctx: SamContext,
  api: SamApi,
  doc: Json,
  auth: Json,
): Map<string, RestAuthorizer> {
  const base = at("Resources", api.logicalId, "Properties", "Auth");
  for (const key of Object.keys(auth))
    if (!AUTH_KEYS.has(key)) ctx.fail(at(base, key), `${key} is not a property of a SAM Api's Auth`);
  const authorizers = restAuthorizers(ctx, api, auth);
  for (const a of authorizers.values()) addSecurityDefinition(doc, a.name, restSecurityDefinition(a), true);
  const defaultName = own(auth, "DefaultAuthorizer");
  if (defaultName !== undefined) {
    if (typeof defaultName !== "string")
      ctx.fail(at(base, "DefaultAuthorizer"), "DefaultAuthorizer is not a string.");
    if (!authorizers.has(defaultName))
      ctx.fail(
        at(base, "DefaultAuthorizer"),
        `Unable to set DefaultAuthorizer because '${defaultName}' was not defined in 'Authorizers'.`,
      );
    const toPreflight = own(auth, "AddDefaultAuthorizerToCorsPreflight") !== false;
    for (const item of Object.values(doc.paths as Json))
      if (isMap(item))
        for (const [method, op] of integratedOperations(item))
          if (toPreflight || method !== "options") setDefaultAuthorizer(doc, op, defaultName, authorizers);
  }
  if (own(auth, "ApiKeyRequired") === true) {
    addSecurityDefinition(doc, "api_key", { ...API_KEY_DEFINITION });
    const toPreflight = own(auth, "AddApiKeyRequiredToCorsPreflight") !== false;
    for (const item of Object.values(doc.paths as Json))
      if (isMap(item))
        for (const [method, op] of integratedOperations(item)) setDefaultApiKey(op, method, toPreflight);
  }
  if (own(auth, "ResourcePolicy") !== undefined)
    ctx.notice(
      api.logicalId,
      at(base, "ResourcePolicy"),
      "SAM's ResourcePolicy is not applied; set a Policy instead",
    );
  return authorizers;
}

function setDefaultAuthorizer(
  doc: Json,
  op: Json,
  name: string,
  authorizers: Map<string, RestAuthorizer>,
): void {
  const names = new Set(["AWS_IAM", ...authorizers.keys()]);
  const others: Json[] = [];
  const existing: Json[] = [];
  for (const s of securityOf(op)) (Object.keys(s).some((k) => names.has(k)) ? existing : others).push(s);
  const none = others.findIndex((s) => Object.hasOwn(s, "NONE"));
  let chosen: Json[] = [];
  if (none >= 0) others.splice(none, 1);
  else if (existing.length > 0) chosen = existing;
  else chosen = [{ [name]: scopesOf(authorizers, name) }];
  const security = [...others, ...chosen];
  if (security.length > 0) {
    op.security = security;
    if (Object.hasOwn(security[0]!, "AWS_IAM"))
      addSecurityDefinition(doc, "AWS_IAM", { ...AWS_IAM_DEFINITION });
  } else if (Array.isArray(op.security)) {
    op.security = [];
  }
}

function setDefaultApiKey(op: Json, method: string, toPreflight: boolean): void {
  const existing = securityOf(op);
  const others = existing.filter((s) => !Object.hasOwn(s, "api_key") && !Object.hasOwn(s, "api_key_false"));
  const optedOut = existing.some((s) => Object.hasOwn(s, "api_key_false"));
  let security = optedOut ? others : [...others, { api_key: [] }];
  if (method === "options" && !toPreflight) security = others;
  op.security = security;
}

/** An Api event's own Auth (Authorizer, AuthorizationScopes, ApiKeyRequired) on its method. */
export function applyEventAuth(
  ctx: SamContext,
  api: SamApi,
  doc: Json,
  event: { path: string; base: string; method: string; urlPath: string },
  auth: Json,
): void {
  const apiAuth = isMap(api.properties.Auth) ? api.properties.Auth : undefined;
  const authorizers = isMap(apiAuth?.Authorizers) ? apiAuth.Authorizers : undefined;
  const where = `API method [${event.method}] for path [${event.urlPath}]`;
  const name = own(auth, "Authorizer");
  if (name !== undefined && name !== "AWS_IAM") {
    if (typeof name !== "string") ctx.fail(at(event.base, "Authorizer"), "Authorizer must be a string");
    if (name === "NONE") {
      if (!own(apiAuth, "DefaultAuthorizer"))
        ctx.fail(
          at(event.base, "Authorizer"),
          `Unable to set Authorizer on ${where} because 'NONE' is only a valid value when a DefaultAuthorizer on the API is specified.`,
        );
    } else if (authorizers === undefined) {
      ctx.fail(
        at(event.base, "Authorizer"),
        `Unable to set Authorizer [${name}] on ${where} because the related API does not define any Authorizers.`,
      );
    } else if (!own(authorizers, name)) {
      ctx.fail(
        at(event.base, "Authorizer"),
        `Unable to set Authorizer [${name}] on ${where} because it wasn't defined in the API's Authorizers.`,
      );
    }
  }
  const scopes = own(auth, "AuthorizationScopes");
  if (scopes !== undefined) {
    if (!Array.isArray(scopes))
      ctx.fail(at(event.base, "AuthorizationScopes"), "AuthorizationScopes must be a list");
    if (name === undefined)
      ctx.fail(
        at(event.base, "AuthorizationScopes"),
        "AuthorizationScopes works only when Authorizer is set",
      );
  }
  const keyRequired = own(auth, "ApiKeyRequired");
  if (keyRequired === false && own(apiAuth, "ApiKeyRequired") !== true)
    ctx.fail(
      at(event.base, "ApiKeyRequired"),
      `Unable to set ApiKeyRequired [False] on ${where} because the related API does not specify any ApiKeyRequired.`,
    );
  const op = operation(doc, event.urlPath, event.method);
  if (op === undefined) return;
  if (typeof name === "string") {
    const entry: Json = { [name]: [] };
    if (name !== "NONE" && authorizers !== undefined && isMap(authorizers[name])) {
      const chosen = scopes ?? (authorizers[name] as Json).AuthorizationScopes;
      if (chosen !== undefined) entry[name] = chosen;
    }
    op.security = [...securityOf(op), entry];
    if (name === "AWS_IAM" && Object.hasOwn((op.security as Json[])[0]!, "AWS_IAM"))
      addSecurityDefinition(doc, "AWS_IAM", { ...AWS_IAM_DEFINITION });
  }
  if (keyRequired !== undefined) {
    if (keyRequired) addSecurityDefinition(doc, "api_key", { ...API_KEY_DEFINITION });
    op.security = [...securityOf(op), { [keyRequired ? "api_key" : "api_key_false"]: [] }];
  }
  if (own(auth, "ResourcePolicy") !== undefined)
    ctx.notice(api.logicalId, at(event.base, "ResourcePolicy"), "an event's ResourcePolicy is not applied");
}
