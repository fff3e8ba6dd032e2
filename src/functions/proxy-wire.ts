import type { EventFacts, EventRoute } from "../integrations/lambda-events.ts";
import type { ProxyResponse } from "../integrations/lambda-response.ts";

/**
 * How an AWS_PROXY invocation crosses to a function's worker thread and back. The gateway sends the
 * request's facts as a JSON array of strings (a fraction of the cost of building and serialising
 * AWS's event, whose many keys dominate both JSON.stringify and JSON.parse), and the worker builds
 * the event and applies AWS's result rules, answering with the response as a JSON array.
 */

/** A route's facts, serialised once per route and stage. */
export const encodeEventRoute = (route: EventRoute): string => JSON.stringify(route);

export function encodeFacts(f: EventFacts): string {
  const params: string[] = [];
  for (const name in f.pathParams) params.push(name, f.pathParams[name]!);
  return JSON.stringify([
    f.method,
    f.path,
    f.rawQuery,
    f.httpVersion,
    f.clientIp,
    f.requestId,
    f.extendedRequestId,
    f.startMs,
    f.rawHeaders,
    params,
    f.authorizer ?? null,
    f.body,
    f.isBase64Encoded,
  ]);
}

/** The inverse of encodeFacts, for a route already decoded. Only the gateway writes these. */
export function decodeFacts(route: EventRoute, text: string): EventFacts {
  const a = JSON.parse(text) as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    number,
    string[],
    string[],
    Record<string, unknown> | null,
    string | null,
    boolean,
  ];
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
    rawHeaders: a[8],
    pathParams,
    authorizer: a[10] ?? undefined,
    body: a[11],
    isBase64Encoded: a[12],
  };
}

export const encodeResponse = (r: ProxyResponse): string =>
  JSON.stringify([r.statusCode, r.headers, r.body, r.isBase64Encoded]);

/**
 * The response a worker sent. The worker runs the function's code, so its messages are checked as
 * untrusted: anything but the expected shape is a malformed result (undefined).
 */
export function decodeResponse(text: string): ProxyResponse | undefined {
  let a: unknown;
  try {
    a = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(a) || a.length !== 4) return undefined;
  const [statusCode, headers, body, isBase64Encoded] = a as unknown[];
  if (typeof statusCode !== "number" || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599)
    return undefined;
  if (!Array.isArray(headers) || headers.length % 2 !== 0) return undefined;
  for (const h of headers) if (typeof h !== "string") return undefined;
  if (typeof body !== "string" || typeof isBase64Encoded !== "boolean") return undefined;
  return { statusCode, headers: headers as string[], body, isBase64Encoded };
}
