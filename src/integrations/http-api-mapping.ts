import { authorizerProperty, propertyText } from "../gateway/authorizer-property.ts";
import type { RequestContext } from "../gateway/context.ts";
import { queryValues } from "../http/query-string.ts";
import { compileJsonPath } from "../mapping/jsonpath.ts";

/**
 * HTTP API parameter mapping (AWS-BEHAVIOUR.md §1.2): `append|overwrite|remove:header.NAME`,
 * `append|overwrite|remove:querystring.NAME` and `overwrite:path`, with values from
 * `$request.header.x`, `$request.querystring.x`, `$request.path`, `$request.path.x`, `$context.x`
 * (`$context.authorizer.x` among them), `$stageVariables.x` and static text, mixed with `${…}`.
 * Compiled once per deployment.
 */

type Getter = (ctx: RequestContext) => string;

export interface RequestMapping {
  readonly removeHeaders: ReadonlySet<string>;
  readonly headers: readonly { name: string; mode: "append" | "overwrite"; value: Getter }[];
  readonly removeQuery: ReadonlySet<string>;
  readonly query: readonly { name: string; mode: "append" | "overwrite"; value: Getter }[];
  readonly path: Getter | undefined;
}

export class ParameterMappingError extends Error {
  readonly code = "INVALID_PARAMETER_MAPPING";
}

const TOKEN = /\$\{([^}]+)\}|\$((?:request|context|stageVariables)(?:\.[A-Za-z0-9_-]+)+)/g;

/**
 * `$request.body` (the body as text) and `$request.body.{JSONPath}` (a string as it is, any other
 * value as JSON): only AWS service integrations' parameters read the body, which their handler
 * reads first (`ctx.bodyText`).
 */
function bodySource(parts: readonly string[]): Getter {
  if (parts.length === 2) return (c) => c.bodyText ?? "";
  const path = compileJsonPath(`$.${parts.slice(2).join(".")}`);
  return (c) => {
    let json: unknown;
    try {
      json = JSON.parse(c.bodyText ?? "");
    } catch {
      return "";
    }
    const v = path.evaluate(json);
    if (v === undefined || v === null) return "";
    return typeof v === "string" ? v : JSON.stringify(v);
  };
}

function source(expr: string, allowBody = false): Getter {
  const parts = expr.split(".");
  if (parts[0] === "request" && parts[1] === "body" && allowBody) return bodySource(parts);
  if (parts[0] === "request") {
    if (parts[1] === "header" && parts[2]) {
      const name = parts.slice(2).join(".").toLowerCase();
      return (c) => {
        const v = c.req.headers[name];
        return Array.isArray(v) ? v.join(",") : (v ?? "");
      };
    }
    if (parts[1] === "querystring" && parts[2]) {
      const name = parts.slice(2).join(".");
      return (c) => queryValues(c.rawQuery, name).join(",");
    }
    if (parts[1] === "path" && parts.length === 2) return (c) => c.path;
    if (parts[1] === "path" && parts[2]) {
      const name = parts.slice(2).join(".");
      return (c) => c.pathParams[name] ?? "";
    }
  }
  if (parts[0] === "stageVariables" && parts[1]) {
    const name = parts.slice(1).join(".");
    return (c) => c.stage.variables[name] ?? "";
  }
  if (parts[0] === "context" && parts[1]) {
    const getters: Record<string, Getter> = {
      requestId: (c) => c.extendedRequestId,
      apiId: (c) => c.stage.apiId,
      stage: (c) => c.stage.stageName,
      routeKey: (c) => c.route.resourcePath,
      "identity.sourceIp": (c) => c.clientIp,
      "http.method": (c) => c.req.method ?? "",
      domainName: (c) => c.req.headers.host ?? "",
      "identity.clientCert.clientCertPem": (c) => c.clientCert?.clientCertPem ?? "",
      "identity.clientCert.subjectDN": (c) => c.clientCert?.subjectDN ?? "",
      "identity.clientCert.issuerDN": (c) => c.clientCert?.issuerDN ?? "",
      "identity.clientCert.serialNumber": (c) => c.clientCert?.serialNumber ?? "",
      "identity.clientCert.validity.notBefore": (c) => c.clientCert?.validity.notBefore ?? "",
      "identity.clientCert.validity.notAfter": (c) => c.clientCert?.validity.notAfter ?? "",
    };
    const getter = getters[parts.slice(1).join(".")];
    if (getter) return getter;
    // A Lambda authorizer's context key (maps and arrays as JSON, a longer path walks into them) or a
    // JWT's `claims.x`.
    if (parts[1] === "authorizer" && parts.length > 2) {
      const path = parts.slice(2);
      return (c) => propertyText(authorizerProperty(c.authorizer, "HTTP", path)) ?? "";
    }
  }
  throw new ParameterMappingError(`Invalid mapping expression specified: $${expr}`);
}

/**
 * A mapping value: static text with `$request…`/`${…}` references substituted; `allowBody` admits
 * `$request.body[.path]` (service integration parameters).
 */
export function compileMappingValue(value: string, allowBody = false): Getter {
  const pieces: (string | Getter)[] = [];
  let last = 0;
  for (const m of value.matchAll(TOKEN)) {
    if (m.index > last) pieces.push(value.slice(last, m.index));
    const expr = (m[1] ?? m[2]!).replace(/^\$/, "");
    pieces.push(source(expr, allowBody));
    last = m.index + m[0].length;
  }
  if (last < value.length) pieces.push(value.slice(last));
  if (pieces.every((p) => typeof p === "string")) {
    const fixed = pieces.join("");
    return () => fixed;
  }
  return (c) => pieces.map((p) => (typeof p === "string" ? p : p(c))).join("");
}

const KEY = /^(append|overwrite|remove):(header\.(.+)|querystring\.(.+)|path)$/;

/**
 * Header names HTTP APIs reserve: no request or response mapping may touch them
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-parameter-mapping.html#http-api-mapping-reserved-headers).
 */
const RESERVED_HEADERS = new Set([
  "authorization",
  "connection",
  "content-encoding",
  "content-length",
  "content-location",
  "forwarded",
  "keep-alive",
  "origin",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailers",
  "transfer-encoding",
  "upgrade",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "via",
]);
const RESERVED_PREFIXES = ["access-control-", "apigw-", "x-amz-", "x-amzn-"];

/** Whether an HTTP API mapping may not name this header (for CreateIntegration's check, too). */
export function isReservedHttpApiHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return RESERVED_HEADERS.has(lower) || RESERVED_PREFIXES.some((p) => lower.startsWith(p));
}

function refuseReserved(key: string, name: string): void {
  if (isReservedHttpApiHeader(name))
    throw new ParameterMappingError(`Invalid mapping key ${key}: ${name} is a reserved header`);
}

export function compileRequestMapping(
  parameters: Readonly<Record<string, string>> | undefined,
): RequestMapping | undefined {
  if (parameters === undefined || Object.keys(parameters).length === 0) return undefined;
  const removeHeaders = new Set<string>();
  const headers: RequestMapping["headers"][number][] = [];
  const removeQuery = new Set<string>();
  const query: RequestMapping["query"][number][] = [];
  let path: Getter | undefined;
  for (const [key, value] of Object.entries(parameters)) {
    const m = KEY.exec(key);
    if (m === null) throw new ParameterMappingError(`Invalid mapping key ${key}`);
    const mode = m[1] as "append" | "overwrite" | "remove";
    if (m[2] === "path") {
      if (mode !== "overwrite")
        throw new ParameterMappingError(`Only overwrite:path is supported (got ${key})`);
      path = compileMappingValue(value);
    } else if (m[3] !== undefined) {
      refuseReserved(key, m[3]);
      const name = m[3].toLowerCase();
      if (mode === "remove") removeHeaders.add(name);
      else headers.push({ name: m[3], mode, value: compileMappingValue(value) });
    } else {
      const name = m[4]!;
      if (mode === "remove") removeQuery.add(name);
      else query.push({ name, mode, value: compileMappingValue(value) });
    }
  }
  return { removeHeaders, headers, removeQuery, query, path };
}

/** Response mapping for one backend status: header edits and an optional status override. */
export interface ResponseMapping {
  readonly removeHeaders: ReadonlySet<string>;
  readonly headers: readonly { name: string; mode: "append" | "overwrite"; value: ResponseGetter }[];
  readonly statusCode: ResponseGetter | undefined;
}

export type ResponseGetter = (
  ctx: RequestContext,
  responseHeaders: Readonly<Record<string, string | string[] | undefined>>,
) => string;

const RESPONSE_TOKEN = /\$\{([^}]+)\}|\$((?:response|context|stageVariables)(?:\.[A-Za-z0-9_-]+)+)/g;

function responseValue(value: string): ResponseGetter {
  const pieces: (string | ResponseGetter)[] = [];
  let last = 0;
  for (const m of value.matchAll(RESPONSE_TOKEN)) {
    if (m.index > last) pieces.push(value.slice(last, m.index));
    const expr = (m[1] ?? m[2]!).replace(/^\$/, "");
    if (expr.startsWith("response.header.")) {
      const name = expr.slice("response.header.".length).toLowerCase();
      pieces.push((_c, h) => {
        const v = h[name];
        return Array.isArray(v) ? v.join(",") : (v ?? "");
      });
    } else if (expr.startsWith("response.")) {
      throw new ParameterMappingError(`Unsupported response mapping value: $${expr}`);
    } else {
      const getter = source(expr);
      pieces.push((c) => getter(c));
    }
    last = m.index + m[0].length;
  }
  if (last < value.length) pieces.push(value.slice(last));
  return (c, h) => pieces.map((p) => (typeof p === "string" ? p : p(c, h))).join("");
}

const RESPONSE_KEY = /^(append|overwrite|remove):(header\.(.+)|statuscode)$/;

/** `responseParameters`: backend status code (as text) → its mapping. */
export function compileResponseMappings(
  parameters: Readonly<Record<string, Readonly<Record<string, string>>>> | undefined,
): ReadonlyMap<string, ResponseMapping> | undefined {
  if (parameters === undefined || Object.keys(parameters).length === 0) return undefined;
  const out = new Map<string, ResponseMapping>();
  for (const [status, mapping] of Object.entries(parameters)) {
    const removeHeaders = new Set<string>();
    const headers: ResponseMapping["headers"][number][] = [];
    let statusCode: ResponseGetter | undefined;
    for (const [key, value] of Object.entries(mapping)) {
      const m = RESPONSE_KEY.exec(key);
      if (m === null) throw new ParameterMappingError(`Invalid response mapping key ${key}`);
      const mode = m[1] as "append" | "overwrite" | "remove";
      if (m[2] === "statuscode") {
        if (mode !== "overwrite")
          throw new ParameterMappingError(`Only overwrite:statuscode is supported (got ${key})`);
        statusCode = responseValue(value);
      } else {
        refuseReserved(key, m[3]!);
        if (mode === "remove") removeHeaders.add(m[3]!.toLowerCase());
        else headers.push({ name: m[3]!, mode, value: responseValue(value) });
      }
    }
    out.set(status, { removeHeaders, headers, statusCode });
  }
  return out;
}
