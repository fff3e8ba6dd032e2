import { isMapping, listOf, type Mapping, optionalBoolean, optionalString, type Place } from "./shape.ts";

/** An `http` event's `cors`, the framework's defaults filled in. */
export interface RestCors {
  origin?: string;
  origins: string[];
  headers: string[];
  methods: string[];
  allowCredentials: boolean;
  maxAge?: string;
  cacheControl?: string;
}

const DEFAULT_HEADERS = [
  "Content-Type",
  "X-Amz-Date",
  "Authorization",
  "X-Api-Key",
  "X-Amz-Security-Token",
  "X-Amz-User-Agent",
  "X-Amzn-Trace-Id",
];

const union = (a: string[], b: string[]): string[] => [...new Set([...a, ...b])];

/** `cors: true`, or the object form (`origin`/`origins`, `headers`, `methods`, `allowCredentials`, …). */
export function readCors(value: unknown, method: string, at: Place): RestCors | undefined {
  if (value === undefined || value === null || value === false) return undefined;
  const upper = method.toUpperCase();
  if (value === true || value === "true")
    return {
      origin: "*",
      origins: [],
      headers: DEFAULT_HEADERS,
      methods: ["OPTIONS", upper],
      allowCredentials: false,
    };
  if (!isMapping(value)) throw at.error("must be true or a mapping");
  const origins = listOf(value.origins).map(String);
  const origin = optionalString(value.origin, at.key("origin")) ?? (origins.length > 0 ? undefined : "*");
  const headers = value.headers === undefined ? DEFAULT_HEADERS : listOf(value.headers).map(String);
  const methods = union(
    listOf(value.methods).map((m) => String(m).toUpperCase()),
    ["OPTIONS", upper],
  );
  const cors: RestCors = {
    origins,
    headers,
    methods,
    allowCredentials: optionalBoolean(value.allowCredentials, at.key("allowCredentials")) ?? false,
  };
  if (origin !== undefined) cors.origin = origin;
  if (value.maxAge !== undefined) cors.maxAge = String(value.maxAge);
  const cacheControl = optionalString(value.cacheControl, at.key("cacheControl"));
  if (cacheControl !== undefined) cors.cacheControl = cacheControl;
  return cors;
}

/** Every method of one path shares one preflight: the framework unites their settings. */
export function mergeCors(a: RestCors | undefined, b: RestCors): RestCors {
  if (a === undefined) return b;
  const merged: RestCors = {
    origins: union(a.origins, b.origins),
    headers: union(a.headers, b.headers),
    methods: union(a.methods, b.methods),
    allowCredentials: a.allowCredentials || b.allowCredentials,
  };
  const origin = b.origin ?? a.origin;
  if (origin !== undefined) merged.origin = origin;
  const maxAge = b.maxAge ?? a.maxAge;
  if (maxAge !== undefined) merged.maxAge = maxAge;
  const cacheControl = b.cacheControl ?? a.cacheControl;
  if (cacheControl !== undefined) merged.cacheControl = cacheControl;
  return merged;
}

/** A glob origin (`https://*.example.com`) as the Java regex `String.matches` takes. */
const originPattern = (origin: string): string => origin.replace(/\./g, "[.]").replace("*", ".+");

/**
 * The OPTIONS operation the framework adds for a path with `cors`: a MOCK answering 200 with the
 * `Access-Control-*` headers; several origins are matched against the request's `Origin` and the
 * matching one echoed.
 */
export function preflightOperation(cors: RestCors): Mapping {
  const origins =
    cors.origins.length > 0 ? cors.origins : (cors.origin ?? "*").split(",").map((o) => o.trim());
  const headers: Record<string, string> = {
    "Access-Control-Allow-Origin": `'${origins[0]}'`,
    "Access-Control-Allow-Headers": `'${cors.headers.join(",")}'`,
    "Access-Control-Allow-Methods": `'${cors.methods.join(",").replace("ANY", "DELETE,GET,HEAD,PATCH,POST,PUT")}'`,
  };
  if (cors.allowCredentials) headers["Access-Control-Allow-Credentials"] = "'true'";
  if (cors.maxAge !== undefined) headers["Access-Control-Max-Age"] = `'${cors.maxAge}'`;
  if (cors.cacheControl !== undefined) headers["Cache-Control"] = `'${cors.cacheControl}'`;
  const template =
    origins.length > 1
      ? [
          `#set($origin = $input.params("Origin"))`,
          `#if($origin == "")#set($origin = $input.params("origin"))#end`,
          `#if(${origins.map((o) => `$origin.matches("${originPattern(o)}")`).join(" || ")})` +
            `#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)#end`,
        ].join("\n")
      : "";
  return {
    consumes: ["application/json"],
    produces: ["application/json"],
    responses: {
      "200": {
        description: "CORS preflight",
        headers: Object.fromEntries(Object.keys(headers).map((h) => [h, { type: "string" }])),
      },
    },
    "x-amazon-apigateway-integration": {
      type: "mock",
      requestTemplates: { "application/json": "{statusCode:200}" },
      contentHandling: "CONVERT_TO_TEXT",
      responses: {
        default: {
          statusCode: "200",
          responseParameters: Object.fromEntries(
            Object.entries(headers).map(([h, v]) => [`method.response.header.${h}`, v]),
          ),
          responseTemplates: { "application/json": template },
        },
      },
    },
  };
}

/** The `Access-Control-Allow-Origin` a non-proxy method's own responses carry. */
export function responseOriginHeaders(cors: RestCors): Record<string, string> {
  const origin = cors.origins.length > 0 ? cors.origins.join(",") : (cors.origin ?? "*");
  const headers: Record<string, string> = { "Access-Control-Allow-Origin": `'${origin}'` };
  if (cors.allowCredentials) headers["Access-Control-Allow-Credentials"] = "'true'";
  return headers;
}
