import {
  isMapping,
  lambdaInvokeUri,
  listOf,
  type Mapping,
  optionalBoolean,
  optionalMapping,
  optionalNumber,
  optionalString,
  type Place,
  type ReadContext,
  requiredString,
  requireFunction,
} from "./shape.ts";

export const HTTP_API_ID = "HttpApi";

const METHODS = ["GET", "POST", "PUT", "PATCH", "OPTIONS", "HEAD", "DELETE"];
const DEFAULT_CORS_HEADERS = [
  "Content-Type",
  "X-Amz-Date",
  "Authorization",
  "X-Api-Key",
  "X-Amz-Security-Token",
  "X-Amz-User-Agent",
];

/** One `httpApi` event: its route, its function, its authorization. */
export interface HttpApiEvent {
  functionName: string;
  at: Place;
  /** `GET /pets/{id}`, `ANY /x`, or `$default` for `'*'`. */
  routeKey: string;
  authorizer?: { name?: string; iam?: boolean; scopes: string[] };
  payload?: string;
}

/** `'*'`, `'GET /path'`, or `{ method, path, authorizer }`. */
export function readHttpApiEvent(functionName: string, value: unknown, fn: Mapping, at: Place): HttpApiEvent {
  let method: string | undefined;
  let path: string;
  let authorizer: unknown;
  if (typeof value === "string") {
    const text = value.trim();
    if (text === "*") path = "*";
    else {
      const m = /^(\S+)\s+(\/\S*)$/.exec(text);
      if (!m) throw at.error(`${value} is not '*' or 'METHOD /path' (GET /users/{id})`);
      [method, path] = [m[1], m[2]!];
    }
  } else if (isMapping(value)) {
    path = requiredString(value.path, at.key("path"));
    method = optionalString(value.method, at.key("method"));
    authorizer = value.authorizer;
  } else throw at.error("must be '*', 'METHOD /path' or a mapping with method and path");

  let routeKey: string;
  if (path === "*") {
    if (method !== undefined && method !== "*")
      throw at.key("path").error("'*' is the catch-all route of any method");
    routeKey = "$default";
  } else {
    if (!path.startsWith("/")) throw at.key("path").error(`${path} must start with /`);
    if (method === undefined) throw at.key("method").error("is required");
    const upper = method.toUpperCase();
    if (upper !== "*" && upper !== "ANY" && !METHODS.includes(upper))
      throw at.key("method").error(`${method} is not an HTTP method (GET, POST, …, or *)`);
    routeKey = `${upper === "*" ? "ANY" : upper} ${path}`;
  }
  const event: HttpApiEvent = { functionName, at, routeKey };
  const payload = isMapping(fn.httpApi) ? optionalString(fn.httpApi.payload, at) : undefined;
  if (payload !== undefined) event.payload = payload;
  if (authorizer !== undefined) {
    const authAt = at.key("authorizer");
    const spec: Mapping =
      typeof authorizer === "string" ? { name: authorizer } : (optionalMapping(authorizer, authAt) ?? {});
    const scopes = listOf(spec.scopes).map(String);
    if (optionalString(spec.type, authAt.key("type"))?.toLowerCase() === "aws_iam")
      event.authorizer = { iam: true, scopes: [] };
    else if (spec.id !== undefined)
      throw authAt
        .key("id")
        .error(
          "an authorizer made outside this service cannot be used; declare it in provider.httpApi.authorizers",
        );
    else event.authorizer = { name: requiredString(spec.name, authAt.key("name")), scopes };
  }
  return event;
}

function corsOf(value: unknown, events: HttpApiEvent[], at: Place): Mapping | undefined {
  if (value === undefined || value === false || value === null) return undefined;
  const spec = value === true ? {} : optionalMapping(value, at);
  if (spec === undefined) return undefined;
  const fill = spec.allowedMethods === undefined;
  const methods = new Set(fill ? ["OPTIONS"] : listOf(spec.allowedMethods).map(String));
  if (fill) {
    for (const e of events) {
      const m = e.routeKey === "$default" ? "ANY" : e.routeKey.split(" ")[0]!;
      for (const each of m === "ANY" ? METHODS : [m]) methods.add(each);
    }
  }
  const cors: Mapping = {
    AllowOrigins: spec.allowedOrigins === undefined ? ["*"] : listOf(spec.allowedOrigins).map(String),
    AllowHeaders:
      spec.allowedHeaders === undefined ? DEFAULT_CORS_HEADERS : listOf(spec.allowedHeaders).map(String),
    AllowMethods: [...methods],
  };
  if (optionalBoolean(spec.allowCredentials, at.key("allowCredentials")) === true)
    cors.AllowCredentials = true;
  if (spec.exposedResponseHeaders !== undefined)
    cors.ExposeHeaders = listOf(spec.exposedResponseHeaders).map(String);
  const maxAge = optionalNumber(spec.maxAge, at.key("maxAge"));
  if (maxAge !== undefined) cors.MaxAge = maxAge;
  return cors;
}

/** CloudFormation's CorsConfiguration names, as the OpenAPI extension spells them. */
const camel = (cors: Mapping): Mapping =>
  Object.fromEntries(Object.entries(cors).map(([k, v]) => [k.charAt(0).toLowerCase() + k.slice(1), v]));

/** `provider.httpApi.authorizers`: JWT (`identitySource`, `issuerUrl`, `audience`) or Lambda `request`. */
function securitySchemes(ctx: ReadContext, value: unknown, at: Place): Mapping {
  const out: Mapping = {};
  for (const [name, raw] of Object.entries(optionalMapping(value, at) ?? {})) {
    const a = at.key(name);
    const spec = optionalMapping(raw, a) ?? {};
    const identity = listOf(spec.identitySource).map(String);
    const type = optionalString(spec.type, a.key("type"))?.toLowerCase() ?? "jwt";
    let authorizer: Mapping;
    if (type === "request") {
      const fn = optionalString(spec.functionName, a.key("functionName"));
      const arn = optionalString(spec.functionArn, a.key("functionArn"));
      if ((fn === undefined) === (arn === undefined))
        throw a.error('give exactly one of "functionName" and "functionArn"');
      if (fn !== undefined) requireFunction(ctx, fn, a.key("functionName"));
      const ttl = optionalNumber(spec.resultTtlInSeconds, a.key("resultTtlInSeconds")) ?? 0;
      if (ttl > 0 && identity.length === 0)
        throw a.key("identitySource").error("is required when resultTtlInSeconds is not 0");
      authorizer = {
        type: "request",
        authorizerUri:
          fn !== undefined
            ? lambdaInvokeUri(fn)
            : {
                "Fn::Sub": `arn:\${AWS::Partition}:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/${arn}/invocations`,
              },
        authorizerPayloadFormatVersion: optionalString(spec.payloadVersion, a.key("payloadVersion")) ?? "2.0",
        authorizerResultTtlInSeconds: ttl,
      };
      if (identity.length > 0) authorizer.identitySource = identity.join(",");
      const simple = optionalBoolean(spec.enableSimpleResponses, a.key("enableSimpleResponses"));
      if (simple !== undefined) authorizer.enableSimpleResponses = simple;
    } else if (type === "jwt") {
      authorizer = {
        type: "jwt",
        identitySource: requiredString(identity.join(","), a.key("identitySource")),
        jwtConfiguration: {
          issuer: requiredString(spec.issuerUrl, a.key("issuerUrl")),
          audience: listOf(spec.audience).map(String),
        },
      };
    } else throw a.key("type").error(`${type} is not jwt or request`);
    out[name] = {
      type: "apiKey",
      name: "Authorization",
      in: "header",
      "x-amazon-apigateway-authorizer": authorizer,
    };
  }
  return out;
}

/**
 * The functions' `httpApi` events as one HTTP API: its `Body` the OpenAPI 3 document of every route
 * (Lambda proxy integrations, payload 2.0 unless said), the authorizers of `provider.httpApi` as its
 * security schemes, CORS, and the `$default` stage deployed automatically.
 */
export function compileHttpApi(ctx: ReadContext, events: HttpApiEvent[]): void {
  if (events.length === 0) return;
  const at = ctx.root.key("provider").key("httpApi");
  const config = optionalMapping(ctx.provider.httpApi, at) ?? {};
  if (config.id !== undefined)
    throw at.key("id").error("an HTTP API made outside this service cannot be extended");
  const schemes = securitySchemes(ctx, config.authorizers, at.key("authorizers"));
  const payload = optionalString(config.payload, at.key("payload")) ?? "2.0";
  const paths: Record<string, Mapping> = {};
  const seen = new Map<string, string>();
  for (const e of events) {
    const previous = seen.get(e.routeKey);
    if (previous !== undefined) throw e.at.error(`route ${e.routeKey} is also declared at ${previous}`);
    seen.set(e.routeKey, e.at.path);
    const [method, path] =
      e.routeKey === "$default" ? ["ANY", "$default"] : (e.routeKey.split(" ") as [string, string]);
    const operation: Mapping = {
      "x-amazon-apigateway-integration": {
        type: "aws_proxy",
        httpMethod: "POST",
        uri: lambdaInvokeUri(e.functionName),
        payloadFormatVersion: e.payload ?? payload,
      },
    };
    const params = [...path.matchAll(/\{([^}+]+)\+?\}/g)].map((m) => ({
      name: m[1],
      in: "path",
      required: true,
      schema: { type: "string" },
    }));
    if (params.length > 0) operation.parameters = params;
    if (e.authorizer?.iam) operation["x-amazon-apigateway-auth"] = { type: "AWS_IAM" };
    else if (e.authorizer?.name !== undefined) {
      if (!Object.hasOwn(schemes, e.authorizer.name))
        throw e.at
          .key("authorizer")
          .error(`authorizer ${e.authorizer.name} is not among provider.httpApi.authorizers`);
      operation.security = [{ [e.authorizer.name]: e.authorizer.scopes }];
    }
    operation.responses = { default: { description: "Default response" } };
    paths[path] ??= {};
    const item = paths[path];
    item[method === "ANY" ? "x-amazon-apigateway-any-method" : method.toLowerCase()] = operation;
  }
  const name =
    optionalString(config.name, at.key("name")) ??
    (config.shouldStartNameWithService === true
      ? `${ctx.service}-${ctx.stage}`
      : `${ctx.stage}-${ctx.service}`);
  const doc: Mapping = { openapi: "3.0.1", info: { title: name, version: "1.0" }, paths };
  if (Object.keys(schemes).length > 0) doc.components = { securitySchemes: schemes };
  const properties: Mapping = { Name: name, ProtocolType: "HTTP", Body: doc };
  const cors = corsOf(config.cors, events, at.key("cors"));
  if (cors !== undefined) {
    properties.CorsConfiguration = cors;
    doc["x-amazon-apigateway-cors"] = camel(cors);
  }
  if (config.disableDefaultEndpoint === true) properties.DisableExecuteApiEndpoint = true;
  for (const key of ["metrics", "useProviderTags"]) {
    if (config[key] !== undefined)
      ctx.notices.push(
        at.key(key).notice(HTTP_API_ID, `provider.httpApi.${key} is not carried over; ignored`),
      );
  }
  ctx.resources[HTTP_API_ID] = { Type: "AWS::ApiGatewayV2::Api", Properties: properties };
  ctx.resources.HttpApiStage = {
    Type: "AWS::ApiGatewayV2::Stage",
    Properties: { ApiId: { Ref: HTTP_API_ID }, StageName: "$default", AutoDeploy: true },
  };
}
