import type { Dispatcher } from "undici";
import type { RequestContext } from "../gateway/context.ts";
import { configurationFailure, failWith } from "../gateway/failure.ts";
import { integrationAnswered, integrationStarted } from "../gateway/integration-timing.ts";
import type { GatewayResponse } from "../gateway/responses/catalogue.ts";
import { BadBackendResponseError } from "../gateway/responses/errors.ts";
import { encodeQueryPair, withoutNames } from "../http/query-string.ts";
import { streamingBody } from "../http/request-body.ts";
import type { CompiledMapping } from "./request-parameters.ts";
import { CLIENT_OWNED_HEADERS } from "./restricted-headers.ts";
import type { Upstreams } from "./upstreams.ts";
import type { UriTemplate } from "./uri-template.ts";

/** Where and how an HTTP integration calls its backend; compiled once per deployment. */
export interface HttpBackendSpec {
  readonly uri: UriTemplate;
  /** Fixed backend method, or undefined to use the client's (`ANY`). */
  readonly method: string | undefined;
  readonly mappings: readonly CompiledMapping[];
  readonly queryMappings: readonly CompiledMapping[];
  readonly headerMappings: readonly CompiledMapping[];
  readonly mappedQueryNames: ReadonlySet<string>;
  readonly mappedHeaderNames: ReadonlySet<string>;
  readonly timeoutMs: number;
  /** A mapping reads `method.request.body`: the body is buffered before mapping. */
  readonly needsBody: boolean;
}

export function backendSpec(
  uri: UriTemplate,
  method: string | undefined,
  mappings: readonly CompiledMapping[],
  timeoutMs: number,
): HttpBackendSpec {
  const queryMappings = mappings.filter((m) => m.location === "querystring");
  const headerMappings = mappings.filter(
    (m) => m.location === "header" && !CLIENT_OWNED_HEADERS.has(m.name.toLowerCase()),
  );
  return {
    uri,
    method: method === undefined || method.toUpperCase() === "ANY" ? undefined : method.toUpperCase(),
    mappings,
    queryMappings,
    headerMappings,
    mappedQueryNames: new Set(queryMappings.map((m) => m.name)),
    mappedHeaderNames: new Set(headerMappings.map((m) => m.name.toLowerCase())),
    timeoutMs,
    needsBody: mappings.some((m) => m.usesBody),
  };
}

export interface ResolvedTarget {
  origin: string;
  path: string;
}

/**
 * What a request gets when a path value would walk the backend path (`..%2F`, or a mapped `../`).
 * AWS has no answer of its own for this (its edge resolves dot segments and leaves `%2F` to the
 * backend); Portico refuses rather than trust every backend to keep `%2F` inside one segment.
 */
export const UNSAFE_BACKEND_PATH: GatewayResponse = {
  statusCode: 400,
  errorType: "BadRequestException",
  body: '{"message":"Bad Request"}',
};

/** AWS's words for an endpoint URL that cannot be made, with which part is wrong. */
const BAD_URI = configurationFailure(
  "Invalid endpoint address: the integration URI names a stage variable that is not set, or does not make an absolute http(s) URL",
);

/**
 * The backend URL for this request: path placeholders from `integration.request.path.*` mappings
 * (falling back to the method's path parameter of the same name), the integration URI's own query,
 * then the client's query (proxies only) with mapped names replaced by their mapped values.
 * Otherwise the gateway response to answer: UNSAFE_BACKEND_PATH when a path value holds a dot
 * segment, the stage's API_CONFIGURATION_ERROR (AWS's 500) when a stage variable the URI names is not
 * set or the URL it makes is not an absolute http(s) URL.
 */
export function resolveTarget(
  ctx: RequestContext,
  spec: HttpBackendSpec,
  passClientQuery: boolean,
): ResolvedTarget | GatewayResponse {
  const pathValue = (name: string): string | undefined => {
    for (const m of spec.mappings) {
      if (m.location === "path" && m.name === name) {
        const v = m.get(ctx);
        return Array.isArray(v) ? v.join(",") : v;
      }
    }
    return ctx.pathParams[name];
  };
  const url = spec.uri.render(pathValue, ctx.stage.variables);
  if (url === "unsafe-path") return UNSAFE_BACKEND_PATH;
  if (url === "misconfigured") {
    failWith(ctx, BAD_URI);
    return ctx.stage.responses.API_CONFIGURATION_ERROR;
  }
  const { origin, pathAndQuery } = url;
  const pairs: string[] = [];
  if (passClientQuery) {
    const client = withoutNames(ctx.rawQuery, spec.mappedQueryNames);
    if (client !== "") pairs.push(client);
  }
  for (const m of spec.queryMappings) {
    const v = m.get(ctx);
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const item of v) pairs.push(encodeQueryPair(m.name, item));
    else pairs.push(encodeQueryPair(m.name, v));
  }
  if (pairs.length === 0) return { origin, path: pathAndQuery };
  const joiner = pathAndQuery.includes("?") ? (pathAndQuery.endsWith("?") ? "" : "&") : "?";
  return { origin, path: pathAndQuery + joiner + pairs.join("&") };
}

/** Appends mapped headers (`integration.request.header.*`) to a flat header list. */
export function appendMappedHeaders(ctx: RequestContext, spec: HttpBackendSpec, out: string[]): void {
  for (const m of spec.headerMappings) {
    const v = m.get(ctx);
    if (v === undefined) continue;
    out.push(m.name, Array.isArray(v) ? v.join(",") : v);
  }
}

/** Sends the request to the backend through the origin's pool, with the integration timeout. */
export function callBackend(
  ctx: RequestContext,
  spec: HttpBackendSpec,
  target: ResolvedTarget,
  headers: string[],
  upstreams: Upstreams,
  /** A body already transformed (template, content handling); otherwise the client's body is streamed. */
  body?: Buffer,
): Promise<Dispatcher.ResponseData> {
  integrationStarted(ctx);
  return upstreams
    .pool(target.origin)
    .request({
      method: (spec.method ?? ctx.req.method ?? "GET") as Dispatcher.HttpMethod,
      path: target.path,
      headers,
      body: body ?? streamingBody(ctx.req),
      headersTimeout: spec.timeoutMs,
      bodyTimeout: spec.timeoutMs,
    })
    .then(
      (response) => {
        integrationAnswered(ctx, response.statusCode);
        return relayable(response);
      },
      (err: unknown) => {
        integrationAnswered(ctx, undefined, (err as Error).message);
        throw err;
      },
    );
}

/** HTTP's statuses end at 599; a backend that sends 999 sent no status a client could act on. */
function relayable(response: Dispatcher.ResponseData): Dispatcher.ResponseData {
  if (response.statusCode <= 599) return response;
  // Destroying the body errors it; with no one reading it that error would be uncaught.
  response.body.on("error", () => undefined);
  response.body.destroy();
  throw new BadBackendResponseError(`Status ${response.statusCode} is not an HTTP status`);
}
