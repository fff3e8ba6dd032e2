/**
 * The SigV4 canonical request and string to sign, built from a request as it travels on the wire.
 * Signer and verifier both go through here, so what Portico signs is exactly what it verifies.
 */
import { createHash } from "node:crypto";

/** The only signing algorithm SigV4 (as opposed to SigV4a) defines. */
export const ALGORITHM = "AWS4-HMAC-SHA256";
/** Payload-hash literal a signer uses to leave the body out of the signature. */
export const UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
/** Hex SHA-256 of zero bytes: the payload hash of a request without a body. */
export const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
/** Last element of every credential scope. */
export const SCOPE_TERMINATOR = "aws4_request";

/** Hex SHA-256 of a UTF-8 string or raw bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

const HEX = "0123456789ABCDEF";
// RFC 3986 unreserved characters: the only bytes SigV4's UriEncode leaves alone.
const UNRESERVED = new Uint8Array(256);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
  UNRESERVED[c.charCodeAt(0)] = 1;
const SLASH = 0x2f;

/** SigV4 UriEncode of raw bytes: `%XX` (upper-case hex) for everything but unreserved (and `/` if kept). */
export function uriEncodeBytes(bytes: Uint8Array, keepSlash: boolean): string {
  let out = "";
  for (const b of bytes) {
    if (UNRESERVED[b] === 1 || (keepSlash && b === SLASH)) out += String.fromCharCode(b);
    else out += `%${HEX[b >> 4]}${HEX[b & 15]}`;
  }
  return out;
}

/** SigV4 UriEncode of a string's UTF-8 bytes. */
export function uriEncode(value: string, keepSlash = false): string {
  return uriEncodeBytes(Buffer.from(value, "utf8"), keepSlash);
}

function hexValue(b: number | undefined): number {
  if (b === undefined) return -1;
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x41 && b <= 0x46) return b - 0x37;
  if (b >= 0x61 && b <= 0x66) return b - 0x57;
  return -1;
}

/**
 * Percent-decodes to bytes. Works on bytes rather than through decodeURIComponent so that escapes that
 * are not UTF-8 (`%FF`) survive a decode/encode round trip, and a stray `%` stays a literal `%`
 * instead of failing the whole request. `+` is a literal plus, as RFC 3986 (and every AWS SDK) has it.
 */
export function percentDecode(value: string): Buffer {
  const input = Buffer.from(value, "utf8");
  if (!input.includes(0x25)) return input;
  const out = Buffer.allocUnsafe(input.length);
  let n = 0;
  for (let i = 0; i < input.length; i++) {
    const b = input[i]!;
    const hi = b === 0x25 ? hexValue(input[i + 1]) : -1;
    const lo = hi >= 0 ? hexValue(input[i + 2]) : -1;
    if (lo >= 0) {
      out[n++] = (hi << 4) | lo;
      i += 2;
    } else {
      out[n++] = b;
    }
  }
  return out.subarray(0, n);
}

/**
 * Canonical URI of a path exactly as received (still percent-encoded).
 *
 * Non-S3 services (execute-api, apigateway): RFC 3986 dot segments resolved and empty segments
 * dropped, then the wire path URI-encoded once more, so `%2F` in a segment becomes `%252F` and `/`
 * stays a separator. This double encoding is what the AWS SDKs sign.
 * S3: no normalisation, encoded exactly once.
 */
export function canonicalUri(rawPath: string, service: string): string {
  if (service === "s3") {
    // Segment by segment, so an encoded slash inside a key stays part of that key.
    return (
      rawPath
        .split("/")
        .map((segment) => uriEncodeBytes(percentDecode(segment), false))
        .join("/") || "/"
    );
  }
  const segments: string[] = [];
  for (const segment of rawPath.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") segments.pop();
    else segments.push(segment);
  }
  const leading = rawPath.startsWith("/") ? "/" : "";
  const trailing = segments.length > 0 && rawPath.endsWith("/") ? "/" : "";
  const normalized = `${leading}${segments.join("/")}${trailing}`;
  return normalized === "" ? "/" : uriEncode(normalized, true);
}

/**
 * Canonical query string of a raw query (without `?`): each name and value decoded then re-encoded
 * with UriEncode, a missing `=` read as an empty value, sorted by name then value.
 * `excludeSignature` drops X-Amz-Signature, as the presigned form requires.
 */
export function canonicalQuery(rawQuery: string, excludeSignature: boolean): string {
  const pairs: Array<[string, string]> = [];
  for (const part of rawQuery.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const rawName = eq < 0 ? part : part.slice(0, eq);
    const name = percentDecode(rawName);
    if (excludeSignature && name.toString("latin1").toLowerCase() === "x-amz-signature") continue;
    pairs.push([
      uriEncodeBytes(name, false),
      eq < 0 ? "" : uriEncodeBytes(percentDecode(part.slice(eq + 1)), false),
    ]);
  }
  // Encoded strings are ASCII, so code-unit order is the byte order SigV4 asks for.
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([n, v]) => `${n}=${v}`).join("&");
}

/**
 * Canonical form of one header's value(s): line breaks and runs of spaces/tabs become one space,
 * the ends are trimmed, and several values are joined with `,`.
 */
export function canonicalHeaderValue(value: string | readonly string[]): string {
  return typeof value === "string" ? canonicalOne(value) : value.map(canonicalOne).join(",");
}

/** What the replacements below would change: most values have none of it, and are kept as they are. */
const NOT_CANONICAL = /[\r\n\t]| {2}|^ | $/;

function canonicalOne(v: string): string {
  if (!NOT_CANONICAL.test(v)) return v;
  return v
    .replace(/[\r\n]/g, " ")
    .replace(/[ \t]+/g, " ")
    .replace(/^ | $/g, "");
}

/** Everything that goes into a canonical request; header values already canonical. */
export interface CanonicalRequestParts {
  readonly method: string;
  readonly canonicalUri: string;
  readonly canonicalQuery: string;
  /** Signed header names in SignedHeaders order, each with its canonical value. */
  readonly headers: ReadonlyArray<readonly [name: string, value: string]>;
  readonly payloadHash: string;
}

/** The canonical request text: method, URI, query, header lines, blank line, signed names, payload hash. */
export function buildCanonicalRequest(parts: CanonicalRequestParts): string {
  let headerLines = "";
  for (const [name, value] of parts.headers) headerLines += `${name}:${value}\n`;
  const signedHeaders = parts.headers.map(([name]) => name).join(";");
  return `${parts.method}\n${parts.canonicalUri}\n${parts.canonicalQuery}\n${headerLines}\n${signedHeaders}\n${parts.payloadHash}`;
}

/** `date/region/service/aws4_request`. */
export function credentialScope(date: string, region: string, service: string): string {
  return `${date}/${region}/${service}/${SCOPE_TERMINATOR}`;
}

/** The string to sign for a canonical request. */
export function buildStringToSign(amzDate: string, scope: string, canonicalRequest: string): string {
  return `${ALGORITHM}\n${amzDate}\n${scope}\n${sha256Hex(canonicalRequest)}`;
}

/** `YYYYMMDDTHHMMSSZ` (ISO-8601 basic format, UTC, whole seconds). */
export function formatAmzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace(/[-:]/g, "");
}

/** Parses `YYYYMMDDTHHMMSSZ`; anything else, including impossible dates like month 13, is undefined. */
export function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (m === null) return undefined;
  const [year, month, day, hours, minutes, seconds] = [+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!];
  const date = new Date(Date.UTC(year, month, day, hours, minutes, seconds));
  // Date.UTC rolls impossible fields over (month 13, second 60) and reads years 0–99 as 19xx: the
  // date is the one written only if every field comes back as written.
  return date.getUTCFullYear() === year &&
    date.getUTCMonth() === month &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hours &&
    date.getUTCMinutes() === minutes &&
    date.getUTCSeconds() === seconds
    ? date
    : undefined;
}
