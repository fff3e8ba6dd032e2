import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";

/**
 * What execution logs never show: credentials, keys, tokens and cookies, wherever they travel —
 * request and response headers, the query string, form and JSON bodies — and the header or query
 * value a method's authorizer reads its token from. AWS "redacts authorization headers, API key
 * values, and similar sensitive request parameters from the logged data"
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html).
 */

export const CENSOR = "[redacted]";

/** Lower-cased header names whose values are secrets. */
const SECRET_HEADERS = new Set([
  "authorization",
  "proxy-authorization",
  "x-api-key",
  "x-amz-security-token",
  "cookie",
  "set-cookie",
  "x-auth-token",
  "x-csrf-token",
  "x-xsrf-token",
]);

/** Lower-cased query, form and JSON member names whose values are secrets. */
const SECRET_PARAMS = new Set([
  "token",
  "access_token",
  "id_token",
  "refresh_token",
  "auth",
  "authorization",
  "api_key",
  "apikey",
  "x-api-key",
  "key",
  "x-amz-signature",
  "x-amz-security-token",
  "x-amz-credential",
  "signature",
  "sig",
  "client_secret",
  "secret",
  "password",
  "passwd",
  "code",
  "session",
  "sessiontoken",
  "secretaccesskey",
]);

const secret = (name: string, extra: readonly string[]) => {
  const lower = name.toLowerCase();
  return SECRET_HEADERS.has(lower) || SECRET_PARAMS.has(lower) || extra.includes(lower);
};

/** Headers as a plain object, each secret's value replaced. */
export function redactHeaders(
  headers: IncomingHttpHeaders | OutgoingHttpHeaders,
  extra: readonly string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = secret(name, extra) ? CENSOR : value;
  }
  return out;
}

/** A query string (or form body) as name → value(s), each secret's value replaced. */
export function redactQuery(raw: string, extra: readonly string[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  if (raw === "") return out;
  for (const [name, value] of new URLSearchParams(raw)) {
    const shown = secret(name, extra) ? CENSOR : value;
    const prior = out[name];
    out[name] = prior === undefined ? shown : Array.isArray(prior) ? [...prior, shown] : [prior, shown];
  }
  return out;
}

/**
 * `"password": "…"` members of JSON text, even truncated JSON, written as `"password": "[redacted]"`
 * (a number or literal value too). The match is by member name, wherever it is nested.
 */
const JSON_MEMBER = /("((?:[^"\\]|\\.)*)"\s*:\s*)("(?:[^"\\]|\\.)*"?|[-\w.+]+)/g;

function redactJsonText(text: string, extra: readonly string[]): string {
  return text.replace(JSON_MEMBER, (whole, head: string, name: string) =>
    secret(name, extra) ? `${head}"${CENSOR}"` : whole,
  );
}

/** A body for the log: form bodies by member, JSON bodies by member name, other text as it is. */
export function redactBody(text: string, contentType: string | undefined, extra: readonly string[]): string {
  const type = (contentType ?? "").toLowerCase();
  if (type.startsWith("application/x-www-form-urlencoded")) {
    const params = new URLSearchParams(text);
    for (const name of new Set(params.keys())) if (secret(name, extra)) params.set(name, CENSOR);
    return params.toString();
  }
  return redactJsonText(text, extra);
}
