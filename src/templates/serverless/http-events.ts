import { type RestSecurity, restAuthorizer } from "./rest-authorizers.ts";
import { type RestCors, readCors, responseOriginHeaders } from "./rest-cors.ts";
import { restIntegration } from "./rest-integration.ts";
import {
  isMapping,
  lambdaLogicalId,
  type Mapping,
  optionalBoolean,
  optionalMapping,
  optionalString,
  type Place,
  type ReadContext,
  requiredString,
} from "./shape.ts";

/** One `http` event of a function, read and checked. */
export interface RestEvent {
  functionName: string;
  at: Place;
  /** `/pets/{id}`: leading slash, none at the end, `/` for the root. */
  path: string;
  /** An OpenAPI operation key: `get`, …, or `x-amazon-apigateway-any-method`. */
  operationKey: string;
  operation: Mapping;
  cors?: RestCors;
  security?: RestSecurity;
  private: boolean;
}

const METHODS = new Set(["get", "post", "put", "patch", "delete", "head", "options", "any"]);
const LOCATIONS = [
  ["querystrings", "query"],
  ["headers", "header"],
  ["paths", "path"],
] as const;

function pathOf(raw: string, at: Place): string {
  const trimmed = raw.trim().replace(/^\/+/, "").replace(/\/+$/, "");
  if (/\s/.test(trimmed)) throw at.error(`${raw} is not a path (no spaces)`);
  return `/${trimmed}`;
}

/** Path parameters from the path itself, then each declared query string, header and path parameter. */
function parameters(path: string, request: Mapping | undefined, at: Place): Mapping[] {
  const out = new Map<string, Mapping>();
  for (const m of path.matchAll(/\{([^}+]+)\+?\}/g))
    out.set(`path:${m[1]}`, { name: m[1], in: "path", required: true, type: "string" });
  const declared = optionalMapping(request?.parameters, at.key("parameters")) ?? {};
  for (const [location, where] of LOCATIONS) {
    const group = optionalMapping(declared[location], at.key("parameters").key(location)) ?? {};
    for (const [name, spec] of Object.entries(group)) {
      const required = isMapping(spec) ? spec.required === true : spec === true;
      out.set(`${where}:${name}`, {
        name,
        in: where,
        required: where === "path" || required,
        type: "string",
      });
    }
  }
  return [...out.values()];
}

/**
 * An `http` event — `GET pets/{id}` or the object form — as the OpenAPI operation of a REST API:
 * its integration (lambda-proxy by default, lambda, http, http-proxy, mock), its parameters, its
 * authorizer or API key, and its CORS settings for the path's preflight.
 */
export function readHttpEvent(ctx: ReadContext, functionName: string, value: unknown, at: Place): RestEvent {
  let spec: Mapping;
  if (typeof value === "string") {
    const [method, path, ...rest] = value.trim().split(/\s+/);
    if (method === undefined || path === undefined || rest.length > 0)
      throw at.error(`${value} is not "METHOD path" (GET users/{id})`);
    spec = { method, path };
  } else if (isMapping(value)) spec = value;
  else throw at.error('must be "METHOD path" or a mapping with path and method');

  const path = pathOf(requiredString(spec.path, at.key("path")), at.key("path"));
  const method = requiredString(spec.method, at.key("method")).toLowerCase();
  if (!METHODS.has(method) && method !== "*")
    throw at.key("method").error(`${String(spec.method)} is not an HTTP method (GET, POST, …, or ANY)`);
  const anyMethod = method === "any" || method === "*";
  const request = optionalMapping(spec.request, at.key("request"));
  const cors = readCors(spec.cors, anyMethod ? "ANY" : method, at.key("cors"));
  const isPrivate = optionalBoolean(spec.private, at.key("private")) ?? false;
  const security =
    spec.authorizer === undefined ? undefined : restAuthorizer(ctx, spec.authorizer, at.key("authorizer"));

  const operation: Mapping = {};
  const operationId = optionalString(spec.operationId, at.key("operationId"));
  if (operationId !== undefined) operation.operationId = operationId;
  const description = optionalString(spec.description, at.key("description"));
  if (description !== undefined) operation.description = description;
  const params = parameters(path, request, at.key("request"));
  if (params.length > 0) operation.parameters = params;
  const requirements: Mapping[] = [];
  if (security !== undefined) requirements.push({ [security.schemeName]: security.scopes });
  if (isPrivate) requirements.push({ api_key: [] });
  if (requirements.length > 0) operation.security = [Object.assign({}, ...requirements)];

  const integration = restIntegration(ctx, functionName, spec, request, anyMethod ? "ANY" : method, at);
  const originHeaders =
    cors !== undefined && integration.type !== "aws_proxy" ? responseOriginHeaders(cors) : {};
  operation.responses = integration.methodResponses(originHeaders);
  operation["x-amazon-apigateway-integration"] = integration.extension(originHeaders);
  if (spec.async === true)
    ctx.notices.push(
      at
        .key("async")
        .notice(lambdaLogicalId(functionName), "async invocation is not modelled; the call waits"),
    );
  for (const key of ["caching", "throttling"]) {
    if (spec[key] !== undefined)
      ctx.notices.push(
        at.key(key).notice(lambdaLogicalId(functionName), `per-event ${key} is not carried over; ignored`),
      );
  }

  const event: RestEvent = {
    functionName,
    at,
    path,
    operationKey: anyMethod ? "x-amazon-apigateway-any-method" : method,
    operation,
    private: isPrivate,
  };
  if (cors !== undefined) event.cors = cors;
  if (security !== undefined) event.security = security;
  return event;
}
