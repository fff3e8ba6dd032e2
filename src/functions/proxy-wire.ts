import type { ClientCert } from "../http/client-cert.ts";
import { finalStatus, validHeaders } from "../http/writable-response.ts";
import type { EventFacts, EventIdentity, EventRoute } from "./lambda-event.ts";
import type { ProxyResponse } from "./lambda-result.ts";
import { textTooLarge } from "./response-limit.ts";

/**
 * How an AWS_PROXY invocation crosses to a function's worker thread and back. The gateway sends the
 * request's facts as an array of strings (structured-cloned: no escaping, no object keys), a fraction
 * of the cost of building AWS's event and serialising it, whose many keys dominate both
 * JSON.stringify and JSON.parse. The worker builds the event, applies AWS's result rules and answers
 * with the response as an array.
 */

/** A request's facts on the wire (see factsToWire). */
export type WireFacts = readonly [
  method: string,
  path: string,
  rawQuery: string,
  httpVersion: string,
  clientIp: string,
  requestId: string,
  extendedRequestId: string,
  startMs: number,
  headers: readonly string[],
  pathParams: readonly string[],
  /** As JSON text (or ""): only plain strings and arrays of strings cross, so nothing can fail to clone. */
  authorizer: string,
  /** As JSON text (or ""), like the authorizer. */
  identity: string,
  body: string | null,
  isBase64Encoded: boolean,
  /** The custom domain request's whole path, or "" by the execute-api endpoint. */
  requestPath: string,
  /** A mutual TLS client's certificate as JSON text (or ""). */
  clientCert: string,
];

export function factsToWire(f: EventFacts): WireFacts {
  const params: string[] = [];
  for (const name of Object.keys(f.pathParams)) params.push(name, f.pathParams[name]!);
  return [
    f.method,
    f.path,
    f.rawQuery,
    f.httpVersion,
    f.clientIp,
    f.requestId,
    f.extendedRequestId,
    f.startMs,
    f.headers,
    params,
    f.authorizer === undefined ? "" : JSON.stringify(f.authorizer),
    f.identity === undefined ? "" : JSON.stringify(f.identity),
    f.body,
    f.isBase64Encoded,
    f.requestPath ?? "",
    f.clientCert === undefined ? "" : JSON.stringify(f.clientCert),
  ];
}

/** The inverse of factsToWire, for a route already known. Only the gateway writes these. */
export function factsFromWire(route: EventRoute, a: WireFacts): EventFacts {
  const pathParams: Record<string, string> = {};
  const params = a[9];
  for (let i = 0; i < params.length; i += 2) pathParams[params[i]!] = params[i + 1]!;
  return {
    route,
    method: a[0],
    path: a[1],
    rawQuery: a[2],
    httpVersion: a[3],
    clientIp: a[4],
    requestId: a[5],
    extendedRequestId: a[6],
    startMs: a[7],
    headers: a[8],
    pathParams,
    authorizer: a[10] === "" ? undefined : (JSON.parse(a[10]) as Record<string, unknown>),
    identity: a[11] === "" ? undefined : (JSON.parse(a[11]) as EventIdentity),
    body: a[12],
    isBase64Encoded: a[13],
    requestPath: a[14] === "" ? undefined : a[14],
    ...(a[15] === "" ? {} : { clientCert: JSON.parse(a[15]) as ClientCert }),
  };
}

/** A response on the wire. */
export type WireResponse = readonly [
  statusCode: number,
  headers: string[],
  body: string,
  isBase64Encoded: boolean,
];

export const responseToWire = (r: ProxyResponse): WireResponse => [
  r.statusCode,
  r.headers,
  r.body,
  r.isBase64Encoded,
];

/**
 * The response a worker sent. The worker runs the function's code, so its messages are checked as
 * untrusted: anything but the expected shape (a status HTTP can carry, headers Node can write, a
 * body within Lambda's limit) is a malformed result (undefined).
 */
export function responseFromWire(a: unknown): ProxyResponse | undefined {
  if (!Array.isArray(a) || a.length !== 4) return undefined;
  const [statusCode, headers, body, isBase64Encoded] = a as unknown[];
  if (typeof statusCode !== "number" || !finalStatus(statusCode)) return undefined;
  if (!Array.isArray(headers) || headers.length % 2 !== 0) return undefined;
  for (const h of headers) if (typeof h !== "string") return undefined;
  if (!validHeaders(headers as string[])) return undefined;
  if (typeof body !== "string" || typeof isBase64Encoded !== "boolean" || textTooLarge(body))
    return undefined;
  return { statusCode, headers: headers as string[], body, isBase64Encoded };
}

/**
 * Routes go to a worker as a reference: `<id>`, or `<id>:<JSON>` the first time that worker is sent
 * it; `!<id>:<JSON>` also tells it to forget the routes it knows (a worker that outlives many
 * deployments does not keep every route it was ever sent).
 */
export const ROUTE_RESET = "!";
export const ROUTE_SEPARATOR = ":";
