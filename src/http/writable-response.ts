/**
 * What Node's `res.writeHead` accepts and a client can read, so that a function's result is checked
 * before it is written: one Node would refuse makes AWS's malformed-response error instead of a
 * half-written response.
 *
 * Header names and values are checked as Node checks them (checkIsHttpToken, checkInvalidHeaderChar):
 * a name is a non-empty RFC 9110 token; a value is tab, visible ASCII, space and Latin-1 (no CR, LF,
 * NUL or other controls, nothing above U+00FF).
 */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const INVALID_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

export const validHeaderName = (name: string): boolean => TOKEN.test(name);

export const validHeaderValue = (value: string): boolean => !INVALID_VALUE_CHAR.test(value);

/**
 * Headers the gateway sets itself on a function's response (framing), so a function's values for
 * them are not written; Node also refuses a `Trailer` on a response with a Content-Length.
 */
const FRAMING = new Set(["content-length", "transfer-encoding", "connection", "trailer"]);

export const framingHeader = (name: string): boolean =>
  (name.length === 7 || name.length === 10 || name.length === 14 || name.length === 17) &&
  FRAMING.has(name.toLowerCase());

/**
 * Whether every name and value of a flat list (name, value, name, value, …) can be written as a
 * function's header: valid, and none the gateway sets itself.
 */
export function validHeaders(flat: readonly string[]): boolean {
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const name = flat[i]!;
    if (!TOKEN.test(name) || INVALID_VALUE_CHAR.test(flat[i + 1]!) || framingHeader(name)) return false;
  }
  return true;
}

/**
 * Whether a status can end a response: 1xx are interim (a client reading one as the answer waits
 * for another, or takes 101 for a protocol switch), and HTTP has nothing beyond 599.
 */
export const finalStatus = (status: number): boolean =>
  Number.isInteger(status) && status >= 200 && status <= 599;

/** Statuses whose responses have no body (RFC 9110 §15.3.5, §15.4.5): Node drops it, so no Content-Length. */
export const bodylessStatus = (status: number): boolean => status === 204 || status === 304;
