import type { RequestContext } from "../gateway/compiled.ts";
import { firstHeader } from "../gateway/raw-headers.ts";
import { formDecode } from "./query-string.ts";

/**
 * Lambda proxy events in AWS's exact shapes: REST and HTTP API payload 1.0, HTTP API payload 2.0
 * (AWS-BEHAVIOUR.md §2.3, §2.4). Built per request from what the gateway already parsed.
 */

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const pad = (n: number) => String(n).padStart(2, "0");

/** `09/Apr/2015:12:34:56 +0000`, API Gateway's requestTime. */
export function requestTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

function headerMaps(raw: readonly string[]): {
  single: Record<string, string>;
  multi: Record<string, string[]>;
} {
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    single[name] = value;
    multi[name] ??= [];
    multi[name].push(value);
  }
  return { single, multi };
}

function queryMaps(
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

/** REST AWS_PROXY and HTTP API payload 1.0. */
export function eventV1(ctx: RequestContext, accountId: string, payload: EventBody): Record<string, unknown> {
  const { req } = ctx;
  const headers = headerMaps(req.rawHeaders);
  const query = queryMaps(ctx.rawQuery);
  const isHttpApi = ctx.stage.apiType === "HTTP";
  const domainName = firstHeader(req.rawHeaders, "host")?.replace(/:\d+$/, "") ?? "";
  const identity = {
    cognitoIdentityPoolId: null,
    accountId: null,
    cognitoIdentityId: null,
    caller: null,
    sourceIp: ctx.clientIp,
    principalOrgId: null,
    accessKey: null,
    cognitoAuthenticationType: null,
    cognitoAuthenticationProvider: null,
    userArn: null,
    userAgent: firstHeader(req.rawHeaders, "user-agent") ?? null,
    user: null,
  };
  const stagePrefix = ctx.stage.stageName === "$default" ? "" : `/${ctx.stage.stageName}`;
  return {
    ...(isHttpApi ? { version: "1.0" } : {}),
    resource: ctx.route.resourcePath.includes(" ")
      ? ctx.route.resourcePath.split(" ")[1]
      : ctx.route.resourcePath,
    path: isHttpApi ? `${stagePrefix}${ctx.path}` : ctx.path,
    httpMethod: req.method,
    headers: headers.single,
    multiValueHeaders: headers.multi,
    queryStringParameters: query?.single ?? null,
    multiValueQueryStringParameters: query?.multi ?? null,
    requestContext: {
      accountId,
      apiId: ctx.stage.apiId,
      domainName,
      domainPrefix: domainName.split(".")[0],
      extendedRequestId: ctx.extendedRequestId,
      httpMethod: req.method,
      identity,
      path: `${stagePrefix}${ctx.path}`,
      protocol: `HTTP/${req.httpVersion}`,
      requestId: ctx.requestId,
      requestTime: requestTime(ctx.startMs),
      requestTimeEpoch: ctx.startMs,
      resourceId: ctx.route.resourceId,
      resourcePath: ctx.route.resourcePath,
      stage: ctx.stage.stageName,
      ...(isHttpApi ? { routeKey: ctx.route.resourcePath } : {}),
      ...(ctx.authorizer === undefined ? {} : { authorizer: ctx.authorizer }),
    },
    pathParameters: orNull({ ...ctx.pathParams }),
    stageVariables: orNull({ ...ctx.stage.variables }),
    body: payload.body,
    isBase64Encoded: payload.isBase64Encoded,
  };
}

/** HTTP API payload 2.0. Headers are lower-cased and joined with commas; cookies move to `cookies`. */
export function eventV2(ctx: RequestContext, accountId: string, payload: EventBody): Record<string, unknown> {
  const { req } = ctx;
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    if (name === "cookie") {
      for (const c of value.split(";")) if (c.trim() !== "") cookies.push(c.trim());
      continue;
    }
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  const query = queryMaps(ctx.rawQuery);
  const queryStringParameters = query
    ? Object.fromEntries(Object.entries(query.multi).map(([k, v]) => [k, v.join(",")]))
    : undefined;
  const domainName = firstHeader(req.rawHeaders, "host")?.replace(/:\d+$/, "") ?? "";
  const stagePrefix = ctx.stage.stageName === "$default" ? "" : `/${ctx.stage.stageName}`;
  const event: Record<string, unknown> = {
    version: "2.0",
    routeKey: ctx.route.resourcePath,
    rawPath: `${stagePrefix}${ctx.path}`,
    rawQueryString: ctx.rawQuery,
  };
  if (cookies.length > 0) event.cookies = cookies;
  event.headers = headers;
  if (queryStringParameters) event.queryStringParameters = queryStringParameters;
  event.requestContext = {
    accountId,
    apiId: ctx.stage.apiId,
    domainName,
    domainPrefix: domainName.split(".")[0],
    http: {
      method: req.method,
      path: `${stagePrefix}${ctx.path}`,
      protocol: `HTTP/${req.httpVersion}`,
      sourceIp: ctx.clientIp,
      userAgent: firstHeader(req.rawHeaders, "user-agent") ?? "",
    },
    requestId: ctx.extendedRequestId,
    routeKey: ctx.route.resourcePath,
    ...(ctx.authorizer === undefined ? {} : { authorizer: ctx.authorizer }),
    stage: ctx.stage.stageName,
    time: requestTime(ctx.startMs),
    timeEpoch: ctx.startMs,
  };
  if (Object.keys(ctx.pathParams).length > 0) event.pathParameters = { ...ctx.pathParams };
  if (Object.keys(ctx.stage.variables).length > 0) event.stageVariables = { ...ctx.stage.variables };
  if (payload.body !== null) event.body = payload.body;
  event.isBase64Encoded = payload.isBase64Encoded;
  return event;
}
