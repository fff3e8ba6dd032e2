import { finalStatus, framingHeader, validHeaderName, validHeaderValue } from "../http/writable-response.ts";

/**
 * Lambda proxy results → HTTP responses, with AWS's rules (AWS-BEHAVIOUR.md §2.5, §12.8). A result
 * AWS would call malformed yields undefined, which the caller answers with the API type's 5xx; so
 * does one with a status or a header the gateway cannot write (a status outside 200–599, a header
 * name that is not a token, a value with CR, LF, NUL or another control): never a broken response.
 */
export interface ProxyResponse {
  statusCode: number;
  headers: string[];
  /** The body as the function gave it: text, or base64 when `isBase64Encoded`. */
  body: string;
  isBase64Encoded: boolean;
}

/** Which rules read a result: the API type's and its payload format's. */
export interface ResultRules {
  readonly apiType: "REST" | "HTTP";
  readonly format: "1.0" | "2.0";
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const scalar = (v: unknown): string | undefined =>
  typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : undefined;
const absent = (v: unknown): boolean => v === undefined || v === null;

/** The only keys a REST API accepts in a result: any other makes it malformed (recorded). */
const REST_KEYS = new Set(["statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"]);

/**
 * A status as a number or a string of digits (AWS takes `"201"`), if it can end a response (a 1xx
 * cannot: see finalStatus).
 */
function statusOf(value: unknown): number | undefined {
  const n =
    typeof value === "number"
      ? value
      : typeof value === "string" && /^\d{3}$/.test(value)
        ? Number(value)
        : 0;
  return finalStatus(n) ? n : undefined;
}

function bodyText(body: unknown): string | undefined {
  if (absent(body)) return "";
  return typeof body === "string" ? body : undefined;
}

/** One response header: the spelling it is sent with, and its values in order. */
interface Merged {
  name: string;
  values: string[];
}

/**
 * `multiValueHeaders` and `headers` as one list. A name in both (compared case-insensitively) is one
 * header spelled as in `multiValueHeaders`, its values first and then the single value, unless that
 * very value is already among them (recorded; the docs' "only the values from multiValueHeaders" is
 * about a repeated name-value pair). Undefined if either map is not AWS's shape.
 */
function mergedHeaders(multi: unknown, single: unknown): Map<string, Merged> | undefined {
  const merged = new Map<string, Merged>();
  if (!absent(multi)) {
    if (!isRecord(multi)) return undefined;
    for (const name of Object.keys(multi)) {
      const values = multi[name];
      if (!Array.isArray(values)) return undefined;
      const key = name.toLowerCase();
      let entry = merged.get(key);
      if (entry === undefined) {
        entry = { name, values: [] };
        merged.set(key, entry);
      }
      for (const v of values) {
        const s = scalar(v);
        if (s === undefined) return undefined;
        entry.values.push(s);
      }
    }
  }
  if (!absent(single)) {
    if (!isRecord(single)) return undefined;
    for (const name of Object.keys(single)) {
      const s = scalar(single[name]);
      if (s === undefined) return undefined;
      const key = name.toLowerCase();
      const entry = merged.get(key);
      if (entry === undefined) merged.set(key, { name, values: [s] });
      else if (!entry.values.includes(s)) entry.values.push(s);
    }
  }
  return merged;
}

/**
 * The headers to send, as Node's flat list; undefined if one cannot be written. The framing headers
 * are the gateway's own and are dropped.
 */
function writableHeaders(merged: Map<string, Merged>): string[] | undefined {
  const headers: string[] = [];
  for (const { name, values } of merged.values()) {
    if (values.length === 0) continue;
    if (!validHeaderName(name)) return undefined;
    const framing = framingHeader(name);
    for (const value of values) {
      if (!validHeaderValue(value)) return undefined;
      if (!framing) headers.push(name, value);
    }
  }
  return headers;
}

/**
 * Payload 1.0. REST APIs take only AWS's five keys, and a missing `statusCode` is 200 (so `{}` is an
 * empty 200); HTTP APIs require `statusCode` ("API Gateway doesn't make assumptions"). `body` is a
 * string, header values scalars (stringified).
 */
export function responseV1(result: unknown, apiType: "REST" | "HTTP" = "REST"): ProxyResponse | undefined {
  if (!isRecord(result)) return undefined;
  if (apiType === "REST") for (const key of Object.keys(result)) if (!REST_KEYS.has(key)) return undefined;
  const statusCode = apiType === "REST" && absent(result.statusCode) ? 200 : statusOf(result.statusCode);
  if (statusCode === undefined) return undefined;
  const body = bodyText(result.body);
  if (body === undefined) return undefined;
  const merged = mergedHeaders(result.multiValueHeaders, result.headers);
  if (merged === undefined) return undefined;
  const headers = writableHeaders(merged);
  if (headers === undefined) return undefined;
  return { statusCode, headers, body, isBase64Encoded: result.isBase64Encoded === true };
}

/**
 * Payload 2.0: a result with `statusCode` is read like HTTP 1.0 (without `multiValueHeaders`) plus
 * `cookies`; anything else is the body of a 200 (`application/json`), a string as is, other values
 * as JSON.
 */
export function responseV2(result: unknown): ProxyResponse | undefined {
  if (isRecord(result) && result.statusCode !== undefined) {
    const base = responseV1({ ...result, multiValueHeaders: undefined }, "HTTP");
    if (base === undefined) return undefined;
    if (result.cookies !== undefined) {
      if (!Array.isArray(result.cookies)) return undefined;
      for (const c of result.cookies) {
        // A cookie that is not text (an object, a list) is a malformed result, not "[object Object]".
        const cookie = scalar(c);
        if (cookie === undefined || !validHeaderValue(cookie)) return undefined;
        base.headers.push("Set-Cookie", cookie);
      }
    }
    if (!base.headers.some((h, i) => i % 2 === 0 && h.toLowerCase() === "content-type")) {
      base.headers.push("Content-Type", "application/json");
    }
    return base;
  }
  const text = typeof result === "string" ? result : JSON.stringify(result ?? null);
  return {
    statusCode: 200,
    headers: ["Content-Type", "application/json"],
    body: text,
    isBase64Encoded: false,
  };
}

/**
 * The bytes to send: a base64 body decoded when `binary` says the response is binary (REST APIs:
 * when the request's first Accept type is a binary media type), else the text as the function gave it.
 */
export const responseBytes = (r: ProxyResponse, binary: boolean): Buffer | string =>
  r.isBase64Encoded && binary ? Buffer.from(r.body, "base64") : r.body;

/** A result by its API type's and payload format's rules. */
export const proxyResponse = (rules: ResultRules, result: unknown): ProxyResponse | undefined =>
  rules.format === "2.0" ? responseV2(result) : responseV1(result, rules.apiType);
