import type { SamApi, SamContext } from "./context.ts";
import { ANY_METHOD, INTEGRATION } from "./swagger.ts";
import { at, isIntrinsic, isMap, type Json } from "./values.ts";

/**
 * A REST API's `Cors` as SAM writes it: an OPTIONS method on every path that has none, a MOCK
 * integration answering 200 with the Access-Control-Allow-* headers. The values are API Gateway
 * header expressions (`"'www.example.com'"`, quotes included). Lambda proxy responses carry no
 * headers from here: as on AWS, the function sets Access-Control-Allow-Origin itself.
 */
const CORS_KEYS = new Set(["AllowMethods", "AllowHeaders", "AllowOrigin", "MaxAge", "AllowCredentials"]);
const ALL_METHODS = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"];

interface RestCors {
  AllowOrigin?: unknown;
  AllowHeaders?: unknown;
  AllowMethods?: unknown;
  MaxAge?: unknown;
  AllowCredentials?: unknown;
}

export function applyRestCors(ctx: SamContext, api: SamApi, doc: Json, cors: unknown): void {
  const base = at("Resources", api.logicalId, "Properties", "Cors");
  let props: RestCors;
  if (typeof cors === "string" || isIntrinsic(cors)) props = { AllowOrigin: cors };
  else if (isMap(cors)) {
    for (const key of Object.keys(cors))
      if (!CORS_KEYS.has(key)) ctx.fail(at(base, key), `Invalid key '${key}' for 'Cors' property.`);
    // SAM's default origin is every origin.
    props = { AllowOrigin: "'*'", ...cors };
  } else ctx.fail(base, "Invalid value for 'Cors' property: a string (the origin) or a mapping");
  if (props.AllowCredentials === true && props.AllowOrigin === "'*'")
    ctx.fail(
      base,
      "Unable to add Cors configuration because 'AllowCredentials' can not be true when 'AllowOrigin' is \"'*'\" or not set",
    );
  const done = new Set<string>();
  for (const [path, item] of Object.entries(doc.paths as Json)) {
    // API Gateway treats /path and /path/ as one resource: one OPTIONS method for both.
    const normal = path !== "/" ? path.replace(/\/+$/, "") : path;
    if (done.has(normal)) continue;
    done.add(normal);
    if (!isMap(item)) ctx.fail(at(base), `the definition's path '${path}' is not a mapping`);
    if (Object.hasOwn(item, "options")) continue;
    if (!props.AllowOrigin) ctx.fail(base, "Invalid input. Value for AllowedOrigins is required");
    const methods = props.AllowMethods || `'${allowedMethods(item)}'`;
    item.options = optionsMethod(props, methods);
  }
}

function allowedMethods(item: Json): string {
  const names = Object.keys(item);
  if (names.includes(ANY_METHOD)) return ALL_METHODS.join(",");
  const set = new Set([...names, "options"].map((m) => m.toUpperCase()));
  return [...set].sort().join(",");
}

function optionsMethod(props: RestCors, methods: unknown): Json {
  const parameters: Json = { "method.response.header.Access-Control-Allow-Origin": props.AllowOrigin };
  const headers: Json = { "Access-Control-Allow-Origin": { type: "string" } };
  if (props.AllowHeaders) {
    parameters["method.response.header.Access-Control-Allow-Headers"] = props.AllowHeaders;
    headers["Access-Control-Allow-Headers"] = { type: "string" };
  }
  if (methods) {
    parameters["method.response.header.Access-Control-Allow-Methods"] = methods;
    headers["Access-Control-Allow-Methods"] = { type: "string" };
  }
  if (props.MaxAge !== undefined && props.MaxAge !== null) {
    parameters["method.response.header.Access-Control-Max-Age"] = props.MaxAge;
    headers["Access-Control-Max-Age"] = { type: "integer" };
  }
  if (props.AllowCredentials === true) {
    parameters["method.response.header.Access-Control-Allow-Credentials"] = "'true'";
    headers["Access-Control-Allow-Credentials"] = { type: "string" };
  }
  return {
    summary: "CORS support",
    consumes: ["application/json"],
    produces: ["application/json"],
    [INTEGRATION]: {
      type: "mock",
      requestTemplates: { "application/json": '{\n  "statusCode" : 200\n}\n' },
      responses: {
        default: {
          statusCode: "200",
          responseParameters: parameters,
          responseTemplates: { "application/json": "{}\n" },
        },
      },
    },
    responses: { "200": { description: "Default response for CORS method", headers } },
  };
}

/**
 * An HTTP API's `CorsConfiguration` as `x-amazon-apigateway-cors` (API Gateway answers preflights
 * itself): `true` allows every origin; a mapping's keys become the extension's camel-case fields,
 * merged over any the definition already has.
 */
export function applyHttpCors(ctx: SamContext, api: SamApi, doc: Json, cors: unknown): void {
  const base = at("Resources", api.logicalId, "Properties", "CorsConfiguration");
  const existing = doc["x-amazon-apigateway-cors"];
  if (existing !== undefined && !isMap(existing))
    ctx.fail(base, "the definition's x-amazon-apigateway-cors is not a mapping");
  const out: Json = { ...((existing as Json | undefined) ?? {}) };
  const keys = [
    "AllowOrigins",
    "AllowHeaders",
    "AllowMethods",
    "ExposeHeaders",
    "MaxAge",
    "AllowCredentials",
  ];
  if (cors === true) out.allowOrigins = ["*"];
  else if (cors === false) return;
  else if (isIntrinsic(cors)) {
    // SAM renames the keys anywhere inside the intrinsic (an Fn::If between two mappings, say).
    let text = JSON.stringify(cors);
    for (const key of keys) text = text.replaceAll(key, key[0]!.toLowerCase() + key.slice(1));
    Object.assign(out, JSON.parse(text) as Json);
  } else if (isMap(cors)) {
    for (const key of Object.keys(cors))
      if (!keys.includes(key)) ctx.fail(at(base, key), `Invalid key '${key}' for 'Cors' property.`);
    if (cors.AllowCredentials === true && (cors.AllowOrigins === undefined || isStar(cors.AllowOrigins)))
      ctx.fail(
        base,
        "Unable to add Cors configuration because 'AllowCredentials' can not be true when 'AllowOrigin' is \"'*'\" or not set.",
      );
    for (const key of keys) {
      const value = cors[key];
      if (key === "MaxAge" ? value === undefined || value === null : !value) continue;
      if (key === "AllowCredentials" && value !== true) continue;
      out[key[0]!.toLowerCase() + key.slice(1)] = value;
    }
  } else ctx.fail(base, "Invalid value for 'Cors' property: true or a mapping");
  doc["x-amazon-apigateway-cors"] = out;
}

const isStar = (v: unknown): boolean =>
  Array.isArray(v) && v.length === 1 && (v[0] === "*" || v[0] === "'*'");
