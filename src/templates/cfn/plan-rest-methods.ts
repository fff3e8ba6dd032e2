import { attributeOf } from "../references.ts";
import { checkProperties, type PlanContext } from "./plan-context.ts";
import { API_KEY_SCHEME, partsOf, type RestParts } from "./plan-rest-parts.ts";
import { bool, child, defined, isRecord, list, num, str, strList, strMap } from "./plan-values.ts";
import type { ResolvedResource } from "./resolve-template.ts";

const METHOD_PROPERTIES = [
  "RestApiId",
  "ResourceId",
  "HttpMethod",
  "AuthorizationType",
  "AuthorizerId",
  "AuthorizationScopes",
  "ApiKeyRequired",
  "RequestParameters",
  "RequestModels",
  "RequestValidatorId",
  "MethodResponses",
  "Integration",
  "OperationName",
];

const INTEGRATION_KEYS: Record<string, string> = {
  Type: "type",
  Uri: "uri",
  IntegrationHttpMethod: "httpMethod",
  RequestTemplates: "requestTemplates",
  RequestParameters: "requestParameters",
  PassthroughBehavior: "passthroughBehavior",
  TimeoutInMillis: "timeoutInMillis",
  Credentials: "credentials",
  ContentHandling: "contentHandling",
  CacheKeyParameters: "cacheKeyParameters",
  CacheNamespace: "cacheNamespace",
  ConnectionType: "connectionType",
  ConnectionId: "connectionId",
  IntegrationResponses: "responses",
};

const LOCATIONS: Record<string, string> = {
  path: "path",
  querystring: "query",
  multivaluequerystring: "query",
  header: "header",
  multivalueheader: "header",
};

const modelRef = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** The path of every AWS::ApiGateway::Resource of the API, by its id (the root's too). */
function resourcePaths(ctx: PlanContext, api: ResolvedResource): Map<string, string> {
  const root = attributeOf(ctx.stack, api, "RootResourceId")!;
  const paths = new Map<string, string>([[root, "/"]]);
  const resources = new Map(partsOf(ctx, api, "AWS::ApiGateway::Resource").map((r) => [ctx.ref(r), r]));
  const pathOf = (id: string, seen: Set<string>): string => {
    const known = paths.get(id);
    if (known !== undefined) return known;
    const r = resources.get(id)!;
    const parent = str(r.properties.ParentId) ?? "";
    if (!paths.has(parent) && !resources.has(parent))
      throw ctx.error(r, "Properties.ParentId", "names no resource of its API (nor its RootResourceId)");
    if (seen.has(parent)) throw ctx.error(r, "Properties.ParentId", "resources name each other as parents");
    const part = str(r.properties.PathPart);
    if (part === undefined || part === "")
      throw ctx.error(r, "Properties.PathPart", "a resource needs a PathPart");
    const above = pathOf(parent, new Set([...seen, id]));
    const path = `${above === "/" ? "" : above}/${part}`;
    paths.set(id, path);
    return path;
  };
  for (const [id, r] of resources) {
    checkProperties(ctx, r, ["RestApiId", "ParentId", "PathPart"]);
    pathOf(id, new Set([id]));
  }
  return paths;
}

function parameters(v: unknown): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const [key, required] of Object.entries(isRecord(v) ? v : {})) {
    const m = /^method\.request\.([a-z]+)\.(.+)$/.exec(key);
    const location = m ? LOCATIONS[m[1]!] : undefined;
    if (m === null || location === undefined) continue;
    out.push({
      name: m[2],
      in: location,
      required: location === "path" ? true : (bool(required) ?? false),
      schema: { type: "string" },
    });
  }
  return out;
}

function responses(v: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const raw of list(v)) {
    if (!isRecord(raw)) continue;
    const code = str(raw.StatusCode);
    if (code === undefined) continue;
    const response: Record<string, unknown> = { description: `${code} response` };
    const headers = Object.keys(isRecord(raw.ResponseParameters) ? raw.ResponseParameters : {})
      .filter((k) => k.startsWith("method.response.header."))
      .map((k) => [k.slice("method.response.header.".length), { schema: { type: "string" } }]);
    if (headers.length > 0) response.headers = Object.fromEntries(headers);
    const models = strMap(raw.ResponseModels);
    if (models !== undefined && Object.keys(models).length > 0)
      response.content = Object.fromEntries(
        Object.entries(models).map(([type, name]) => [type, { schema: modelRef(name) }]),
      );
    out[code] = response;
  }
  return out;
}

function integration(ctx: PlanContext, r: ResolvedResource, v: unknown): Record<string, unknown> {
  if (!isRecord(v)) throw ctx.error(r, "Properties.Integration", "an Integration is an object");
  const x: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(v)) {
    const to = INTEGRATION_KEYS[key];
    if (to === undefined) {
      if (key === "TlsConfig" && isRecord(value))
        x.tlsConfig = { insecureSkipVerification: bool(value.InsecureSkipVerification) ?? false };
      else
        ctx.notice(
          r,
          `Properties.Integration.${key}`,
          `Integration property ${key} is not carried over by Portico`,
        );
      continue;
    }
    if (key === "IntegrationResponses") {
      const byPattern: Record<string, unknown> = {};
      for (const resp of list(value)) {
        if (!isRecord(resp)) continue;
        byPattern[str(resp.SelectionPattern) || "default"] = defined({
          statusCode: str(resp.StatusCode),
          responseParameters: strMap(resp.ResponseParameters),
          responseTemplates: strMap(resp.ResponseTemplates),
          contentHandling: str(resp.ContentHandling),
        });
      }
      x.responses = byPattern;
    } else if (key === "RequestTemplates" || key === "RequestParameters") x[to] = strMap(value);
    else if (key === "CacheKeyParameters") x[to] = strList(value);
    else if (key === "TimeoutInMillis") x[to] = num(value);
    else x[to] = str(value);
  }
  return defined(x);
}

/** An AWS::ApiGateway::Method as the OpenAPI operation Portico's importer turns back into it. */
function operation(ctx: PlanContext, r: ResolvedResource, parts: RestParts): Record<string, unknown> {
  checkProperties(ctx, r, METHOD_PROPERTIES);
  const p = r.properties;
  const op: Record<string, unknown> = { responses: responses(p.MethodResponses) };
  const name = str(p.OperationName);
  if (name !== undefined) op.operationId = name;
  const params = parameters(p.RequestParameters);
  if (params.length > 0) op.parameters = params;
  const models = strMap(p.RequestModels);
  if (models !== undefined && Object.keys(models).length > 0)
    op.requestBody = {
      content: Object.fromEntries(Object.entries(models).map(([t, m]) => [t, { schema: modelRef(m) }])),
    };
  const requirement: Record<string, string[]> = {};
  const auth = (str(p.AuthorizationType) ?? "NONE").toUpperCase();
  if (auth === "AWS_IAM") op["x-amazon-apigateway-auth"] = { type: "AWS_IAM" };
  else if (auth === "CUSTOM" || auth === "COGNITO_USER_POOLS") {
    const scheme = parts.schemeOf.get(str(p.AuthorizerId) ?? "");
    if (scheme === undefined)
      throw ctx.error(
        r,
        "Properties.AuthorizerId",
        `${auth} authorization names no authorizer of the method's API`,
      );
    requirement[scheme.name] = scheme.cognito ? strList(p.AuthorizationScopes) : [];
  } else if (auth !== "NONE")
    throw ctx.error(
      r,
      "Properties.AuthorizationType",
      `${auth} is not an authorization type (NONE, AWS_IAM, CUSTOM or COGNITO_USER_POOLS)`,
    );
  if (bool(p.ApiKeyRequired) === true) requirement[API_KEY_SCHEME] = [];
  if (Object.keys(requirement).length > 0) op.security = [requirement];
  if (p.RequestValidatorId !== undefined) {
    const validator = parts.validatorOf.get(str(p.RequestValidatorId) ?? "");
    if (validator === undefined)
      throw ctx.error(r, "Properties.RequestValidatorId", "names no request validator of the method's API");
    op["x-amazon-apigateway-request-validator"] = validator;
  }
  if (p.Integration !== undefined) op["x-amazon-apigateway-integration"] = integration(ctx, r, p.Integration);
  return op;
}

/** Every AWS::ApiGateway::Method of the API, as `paths` of its document (added to a Body's own). */
export function addRestMethods(
  ctx: PlanContext,
  api: ResolvedResource,
  doc: Record<string, unknown>,
  parts: RestParts,
  swagger2: boolean,
): void {
  const methods = partsOf(ctx, api, "AWS::ApiGateway::Method");
  if (methods.length === 0) return;
  const paths = resourcePaths(ctx, api);
  const docPaths = child(doc, "paths");
  for (const r of methods) {
    if (swagger2)
      throw ctx.error(
        r,
        "Type",
        "the API's Body is Swagger 2.0; Portico adds methods only to OpenAPI 3 bodies (write it into the Body)",
      );
    const path = paths.get(str(r.properties.ResourceId) ?? "");
    if (path === undefined)
      throw ctx.error(
        r,
        "Properties.ResourceId",
        "names no resource of the method's API (nor its RootResourceId)",
      );
    const method = str(r.properties.HttpMethod)?.toUpperCase();
    if (method === undefined) throw ctx.error(r, "Properties.HttpMethod", "a method needs its HttpMethod");
    const key = method === "ANY" ? "x-amazon-apigateway-any-method" : method.toLowerCase();
    const item = child(docPaths, path);
    if (item[key] !== undefined)
      throw ctx.error(r, "Properties.HttpMethod", `${method} ${path} is defined twice`);
    item[key] = operation(ctx, r, parts);
  }
  if (methods.some((r) => bool(r.properties.ApiKeyRequired) === true)) {
    const schemes = child(child(doc, "components"), "securitySchemes");
    schemes[API_KEY_SCHEME] ??= { type: "apiKey", name: "x-api-key", in: "header" };
  }
}
