import { finalStatus, framingHeader, validHeaderName, validHeaderValue } from "./writable-response.ts";

/**
 * Lambda proxy results → HTTP responses, with AWS's rules (AWS-BEHAVIOUR.md §2.5). A result AWS would
 * call malformed yields undefined, which the caller answers with the API type's 5xx; so does one with
 * a status or a header the gateway cannot write (a status outside 200–599, a header name that is not
 * a token, a value with CR, LF, NUL or another control): never a broken response.
 */
export interface ProxyResponse {
  statusCode: number;
  headers: string[];
  /** The body as the function gave it: text, or base64 when `isBase64Encoded`. */
  body: string;
  isBase64Encoded: boolean;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const scalar = (v: unknown): string | undefined =>
  typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : undefined;

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

/** A header the function set, unless the gateway sets it itself (framing); false if it cannot be written. */
function addHeader(headers: string[], name: string, value: string): boolean {
  if (!validHeaderName(name) || !validHeaderValue(value)) return false;
  if (!framingHeader(name)) headers.push(name, value);
  return true;
}

function bodyText(body: unknown): string | undefined {
  if (body === undefined || body === null) return "";
  return typeof body === "string" ? body : undefined;
}

/** Payload 1.0 (REST and HTTP API): `statusCode` required, `body` a string, headers scalars. */
export function responseV1(result: unknown): ProxyResponse | undefined {
  if (!isRecord(result)) return undefined;
  const statusCode = statusOf(result.statusCode);
  if (statusCode === undefined) return undefined;
  const body = bodyText(result.body);
  if (body === undefined) return undefined;
  const headers: string[] = [];
  const seen = new Set<string>();
  if (result.multiValueHeaders !== undefined && result.multiValueHeaders !== null) {
    if (!isRecord(result.multiValueHeaders)) return undefined;
    for (const [name, values] of Object.entries(result.multiValueHeaders)) {
      if (!Array.isArray(values)) return undefined;
      for (const v of values) {
        const s = scalar(v);
        if (s === undefined || !addHeader(headers, name, s)) return undefined;
      }
      seen.add(name.toLowerCase());
    }
  }
  if (result.headers !== undefined && result.headers !== null) {
    if (!isRecord(result.headers)) return undefined;
    for (const [name, value] of Object.entries(result.headers)) {
      const s = scalar(value);
      if (s === undefined) return undefined;
      if (seen.has(name.toLowerCase())) continue;
      if (!addHeader(headers, name, s)) return undefined;
    }
  }
  return { statusCode, headers, body, isBase64Encoded: result.isBase64Encoded === true };
}

/**
 * Payload 2.0: a result with `statusCode` is read like 1.0 plus `cookies`; anything else is the body
 * of a 200 (`application/json`), a string as is, other values as JSON.
 */
export function responseV2(result: unknown): ProxyResponse | undefined {
  if (isRecord(result) && result.statusCode !== undefined) {
    const base = responseV1({ ...result, multiValueHeaders: undefined });
    if (base === undefined) return undefined;
    if (result.cookies !== undefined) {
      if (!Array.isArray(result.cookies)) return undefined;
      for (const c of result.cookies) if (!addHeader(base.headers, "Set-Cookie", String(c))) return undefined;
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

/** The bytes to send. */
export const responseBytes = (r: ProxyResponse): Buffer | string =>
  r.isBase64Encoded ? Buffer.from(r.body, "base64") : r.body;

/** A result by the route's payload format's rules. */
export const proxyResponse = (format: "1.0" | "2.0", result: unknown): ProxyResponse | undefined =>
  format === "2.0" ? responseV2(result) : responseV1(result);
