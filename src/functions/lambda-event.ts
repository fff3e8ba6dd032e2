import type { ClientCert } from "../http/client-cert.ts";
import { formDecode } from "../http/query-string.ts";
import { firstHeader } from "../http/raw-headers.ts";
import { requestTime } from "../http/request-time.ts";

/**
 * Lambda proxy events in AWS's exact shapes: REST and HTTP API payload 1.0, HTTP API payload 2.0
 * (AWS-BEHAVIOUR.md §2.3, §2.4), built from a request's facts: by a function's worker thread for
 * AWS_PROXY integrations (the gateway thread only gathers the facts, gateway/event-facts.ts), on the
 * spot for authorizers. Nothing here knows the gateway's request context: this is Lambda's contract.
 */

/** A request's headers as Lambda events carry them: the last value of each name, and every value. */
export function headerMaps(raw: readonly string[]): {
  single: Record<string, string>;
  multi: Record<string, string[]>;
} {
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    single[name] = value;
    const values = multi[name];
    if (values === undefined) multi[name] = [value];
    else values.push(value);
  }
  return { single, multi };
}

/** A query string as Lambda events carry it (form-decoded); undefined when there is none. */
export function queryMaps(
  rawQuery: string,
): { single: Record<string, string>; multi: Record<string, string[]> } | undefined {
  if (rawQuery === "") return undefined;
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const pair of rawQuery.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const name = formDecode(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? "" : formDecode(pair.slice(eq + 1));
    single[name] = value;
    multi[name] ??= [];
    multi[name].push(value);
  }
  return { single, multi };
}

const orNull = <T extends object>(o: T | undefined): T | null =>
  o === undefined || Object.keys(o).length === 0 ? null : o;

export interface EventBody {
  body: string | null;
  isBase64Encoded: boolean;
}

export const NO_BODY: EventBody = { body: null, isBase64Encoded: false };

/**
 * What an event says about its route and stage: the same for every request of a route in a
 * deployment, so it is worked out (and serialised) once per route and stage, not per request.
 */
export interface EventRoute {
  readonly format: "1.0" | "2.0";
  readonly apiType: "REST" | "HTTP";
  readonly accountId: string;
  readonly apiId: string;
  readonly stageName: string;
  readonly deploymentId: string;
  readonly resourcePath: string;
  readonly resourceId: string;
  readonly stageVariables: Readonly<Record<string, string>>;
}

/**
 * What an event says about one request: plain strings and numbers, so that it can cross to a
 * function's worker thread cheaply and the event be built there.
 */
export interface EventFacts {
  readonly route: EventRoute;
  readonly method: string;
  /** The path below the stage, as received. */
  readonly path: string;
  /**
   * By a custom domain: the whole path as received, its base path in (AWS gives it as `path` and
   * `requestContext.path`, and as HTTP APIs' `rawPath`); undefined by the execute-api endpoint.
   */
  readonly requestPath: string | undefined;
  readonly rawQuery: string;
  readonly httpVersion: string;
  /** The event's headers, `[name, value, …]` as eventHeaders makes them. */
  readonly headers: readonly string[];
  readonly clientIp: string;
  readonly requestId: string;
  readonly extendedRequestId: string;
  readonly startMs: number;
  readonly pathParams: Readonly<Record<string, string>>;
  readonly authorizer: Record<string, unknown> | undefined;
  /** What is known of the caller beyond its address and agent (an API key, an IAM principal). */
  readonly identity: EventIdentity | undefined;
  /** A mutual TLS domain's client certificate: `identity.clientCert` (1.0), `authentication.clientCert` (2.0). */
  readonly clientCert?: ClientCert | undefined;
  readonly body: string | null;
  readonly isBase64Encoded: boolean;
}

/** The caller-specific part of `requestContext.identity` (caller-identity.ts). */
export interface EventIdentity {
  readonly accessKey: string | null;
  readonly accountId: string | null;
  readonly caller: string | null;
  readonly user: string | null;
  readonly userArn: string | null;
  readonly apiKey: string | null;
  readonly apiKeyId: string | null;
}

/** The event of the route's payload format. */
export function proxyEvent(facts: EventFacts): Record<string, unknown> {
  return facts.route.format === "2.0" ? eventV2(facts) : eventV1(facts);
}

const domainOf = (headers: readonly string[]): string =>
  firstHeader(headers, "host")?.replace(/:\d+$/, "") ?? "";

/** A REST event's `path` ignores empty segments before the first (`/stage//a` is `/a`), as routing does. */
const withoutLeadingEmptySegments = (path: string): string =>
  path.charCodeAt(1) === 47 /* / */ ? path.replace(/^\/+/, "/") : path;

/** REST AWS_PROXY and HTTP API payload 1.0. Keys in AWS's order; optional ones added in place. */
export function eventV1(f: EventFacts): Record<string, unknown> {
  const { route } = f;
  const headers = headerMaps(f.headers);
  const query = queryMaps(f.rawQuery);
  const isHttpApi = route.apiType === "HTTP";
  const domainName = domainOf(f.headers);
  const stagePrefix = route.stageName === "$default" ? "" : `/${route.stageName}`;
  const id = f.identity;
  const identity: Record<string, unknown> = {
    cognitoIdentityPoolId: null,
    accountId: id?.accountId ?? null,
    cognitoIdentityId: null,
    caller: id?.caller ?? null,
    sourceIp: f.clientIp,
    principalOrgId: null,
    accessKey: id?.accessKey ?? null,
    cognitoAuthenticationType: null,
    cognitoAuthenticationProvider: null,
    userArn: id?.userArn ?? null,
    userAgent: firstHeader(f.headers, "user-agent") ?? null,
    user: id?.user ?? null,
  };
  if (f.clientCert !== undefined) identity.clientCert = f.clientCert;
  // Only a method that requires an API key names it (AWS leaves both keys out otherwise).
  if (id?.apiKey != null) identity.apiKey = id.apiKey;
  if (id?.apiKeyId != null) identity.apiKeyId = id.apiKeyId;
  const requestContext: Record<string, unknown> = {
    accountId: route.accountId,
    apiId: route.apiId,
  };
  // REST events name the deployment; HTTP API payload 1.0 events do not.
  if (!isHttpApi) requestContext.deploymentId = route.deploymentId;
  Object.assign(requestContext, {
    domainName,
    domainPrefix: domainName.split(".")[0],
    extendedRequestId: f.extendedRequestId,
    httpMethod: f.method,
    identity,
    path: f.requestPath ?? `${stagePrefix}${f.path}`,
    protocol: `HTTP/${f.httpVersion}`,
    requestId: f.requestId,
    requestTime: requestTime(f.startMs),
    requestTimeEpoch: f.startMs,
    resourceId: route.resourceId,
    resourcePath: route.resourcePath,
    stage: route.stageName,
  });
  if (isHttpApi) requestContext.routeKey = route.resourcePath;
  if (f.authorizer !== undefined) requestContext.authorizer = f.authorizer;
  const event: Record<string, unknown> = isHttpApi ? { version: "1.0" } : {};
  event.resource = route.resourcePath.includes(" ") ? route.resourcePath.split(" ")[1] : route.resourcePath;
  event.path = f.requestPath ?? (isHttpApi ? `${stagePrefix}${f.path}` : withoutLeadingEmptySegments(f.path));
  event.httpMethod = f.method;
  event.headers = headers.single;
  event.multiValueHeaders = headers.multi;
  event.queryStringParameters = query?.single ?? null;
  event.multiValueQueryStringParameters = query?.multi ?? null;
  event.requestContext = requestContext;
  event.pathParameters = orNull({ ...f.pathParams });
  event.stageVariables = orNull({ ...route.stageVariables });
  event.body = f.body;
  event.isBase64Encoded = f.isBase64Encoded;
  return event;
}

/** HTTP API payload 2.0. Headers are lower-cased and joined with commas; cookies move to `cookies`. */
export function eventV2(f: EventFacts): Record<string, unknown> {
  const { route } = f;
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  const raw = f.headers;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    if (name === "cookie") {
      for (const c of value.split(";")) if (c.trim() !== "") cookies.push(c.trim());
      continue;
    }
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  const query = queryMaps(f.rawQuery);
  const queryStringParameters = query
    ? Object.fromEntries(Object.entries(query.multi).map(([k, v]) => [k, v.join(",")]))
    : undefined;
  const domainName = domainOf(raw);
  const stagePrefix = route.stageName === "$default" ? "" : `/${route.stageName}`;
  const event: Record<string, unknown> = {
    version: "2.0",
    routeKey: route.resourcePath,
    rawPath: f.requestPath ?? `${stagePrefix}${f.path}`,
    rawQueryString: f.rawQuery,
  };
  if (cookies.length > 0) event.cookies = cookies;
  event.headers = headers;
  if (queryStringParameters) event.queryStringParameters = queryStringParameters;
  event.requestContext = {
    accountId: route.accountId,
    apiId: route.apiId,
    ...(f.clientCert === undefined ? {} : { authentication: { clientCert: f.clientCert } }),
    domainName,
    domainPrefix: domainName.split(".")[0],
    http: {
      method: f.method,
      path: f.requestPath ?? `${stagePrefix}${f.path}`,
      protocol: `HTTP/${f.httpVersion}`,
      sourceIp: f.clientIp,
      userAgent: firstHeader(raw, "user-agent") ?? "",
    },
    requestId: f.extendedRequestId,
    routeKey: route.resourcePath,
    ...(f.authorizer === undefined ? {} : { authorizer: f.authorizer }),
    stage: route.stageName,
    time: requestTime(f.startMs),
    timeEpoch: f.startMs,
  };
  if (Object.keys(f.pathParams).length > 0) event.pathParameters = { ...f.pathParams };
  if (Object.keys(route.stageVariables).length > 0) event.stageVariables = { ...route.stageVariables };
  if (f.body !== null) event.body = f.body;
  event.isBase64Encoded = f.isBase64Encoded;
  return event;
}
