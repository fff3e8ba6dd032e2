/**
 * Client-side SigV4 for Portico's own tools (the CLI signing its admin calls with plain `fetch`,
 * tests, WebSocket clients): header signing and presigned URLs, on the same canonicalisation the
 * verifier uses.
 */
import {
  ALGORITHM,
  buildCanonicalRequest,
  buildStringToSign,
  canonicalHeaderValue,
  canonicalQuery,
  canonicalUri,
  credentialScope,
  EMPTY_SHA256,
  formatAmzDate,
  sha256Hex,
  uriEncode,
} from "./canonical-request.ts";
import { signingKey, signString } from "./signing-key.ts";

/** An access key pair, with the session token of temporary credentials. */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** A request to sign, described as `fetch` will send it. */
export interface SignRequestInput {
  readonly method: string;
  readonly url: string | URL;
  /** Headers the request will carry; all are signed except hop-by-hop ones. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
  readonly credentials: AwsCredentials;
  readonly region: string;
  readonly service: string;
  readonly now?: Date;
  /** Add and sign `x-amz-content-sha256` (the AWS SDKs' default). Default true. */
  readonly contentSha256Header?: boolean;
}

// Headers a proxy or the HTTP stack may add, drop or rewrite in flight; signing them would break
// the signature for reasons unrelated to the caller. The signer-generated ones are set afresh.
const NOT_SIGNED = new Set([
  "authorization",
  "connection",
  "expect",
  "keep-alive",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "user-agent",
  "x-amzn-trace-id",
  "date",
  "x-amz-date",
  "x-amz-security-token",
  "x-amz-content-sha256",
]);

function signableHeaders(
  input: { headers?: Readonly<Record<string, string>> },
  url: URL,
): Map<string, string> {
  const headers = new Map<string, string>();
  for (const [name, value] of Object.entries(input.headers ?? {})) {
    const lower = name.toLowerCase();
    if (!NOT_SIGNED.has(lower) && !lower.startsWith("proxy-"))
      headers.set(lower, canonicalHeaderValue(value));
  }
  // fetch derives Host from the URL (default port omitted, as URL.host does).
  if (!headers.has("host")) headers.set("host", url.host);
  return headers;
}

function sortedEntries(headers: Map<string, string>): Array<[string, string]> {
  return [...headers.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function scopeFor(input: { now?: Date; region: string; service: string }) {
  const amzDate = formatAmzDate(input.now ?? new Date());
  return {
    amzDate,
    date: amzDate.slice(0, 8),
    scope: credentialScope(amzDate.slice(0, 8), input.region, input.service),
  };
}

function sign(
  credentials: AwsCredentials,
  region: string,
  service: string,
  at: { amzDate: string; date: string; scope: string },
  canonicalRequest: string,
): string {
  const key = signingKey(credentials.secretAccessKey, at.date, region, service);
  return signString(key, buildStringToSign(at.amzDate, at.scope, canonicalRequest));
}

/**
 * Signs a request in the Authorization-header form and returns the headers to add to it
 * (`authorization`, `x-amz-date`, and `x-amz-security-token` / `x-amz-content-sha256` when used).
 * Host is signed from the URL (or an explicit `host` header) but not returned, since fetch sets it.
 */
export function signRequest(input: SignRequestInput): Record<string, string> {
  const url = new URL(input.url);
  const at = scopeFor(input);
  const payloadHash = input.body === undefined ? EMPTY_SHA256 : sha256Hex(input.body);
  const added: Record<string, string> = { "x-amz-date": at.amzDate };
  if (input.credentials.sessionToken !== undefined)
    added["x-amz-security-token"] = input.credentials.sessionToken;
  if (input.contentSha256Header ?? true) added["x-amz-content-sha256"] = payloadHash;

  const headers = signableHeaders(input, url);
  for (const [name, value] of Object.entries(added)) headers.set(name, value);
  const entries = sortedEntries(headers);
  const canonicalRequest = buildCanonicalRequest({
    method: input.method.toUpperCase(),
    canonicalUri: canonicalUri(url.pathname, input.service),
    canonicalQuery: canonicalQuery(url.search.slice(1), false),
    headers: entries,
    payloadHash,
  });
  const signature = sign(input.credentials, input.region, input.service, at, canonicalRequest);
  added["authorization"] =
    `${ALGORITHM} Credential=${input.credentials.accessKeyId}/${at.scope}, ` +
    `SignedHeaders=${entries.map(([n]) => n).join(";")}, Signature=${signature}`;
  return added;
}

/** A URL to presign; only Host and the given headers are signed. */
export interface PresignUrlInput {
  readonly method: string;
  readonly url: string | URL;
  readonly headers?: Readonly<Record<string, string>>;
  readonly credentials: AwsCredentials;
  readonly region: string;
  readonly service: string;
  readonly now?: Date;
  /** Lifetime in seconds, 1 to 604800 (one week). Default 900. */
  readonly expiresIn?: number;
}

const MAX_EXPIRES = 604_800;

/**
 * Returns the URL with the SigV4 query-string parameters (X-Amz-Algorithm, -Credential, -Date,
 * -Expires, -SignedHeaders, -Security-Token, -Signature) appended. The payload is signed as empty,
 * which suits GETs and WebSocket handshakes.
 * @throws RangeError when `expiresIn` is outside 1..604800 (a programming error, not a runtime one).
 */
export function presignUrl(input: PresignUrlInput): string {
  const expiresIn = input.expiresIn ?? 900;
  if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_EXPIRES) {
    throw new RangeError(`expiresIn must be an integer from 1 to ${MAX_EXPIRES} seconds, got ${expiresIn}`);
  }
  const url = new URL(input.url);
  const at = scopeFor(input);
  const entries = sortedEntries(signableHeaders(input, url));
  const params: Array<[string, string]> = [
    ["X-Amz-Algorithm", ALGORITHM],
    ["X-Amz-Credential", `${input.credentials.accessKeyId}/${at.scope}`],
    ["X-Amz-Date", at.amzDate],
    ["X-Amz-Expires", String(expiresIn)],
    ["X-Amz-SignedHeaders", entries.map(([n]) => n).join(";")],
  ];
  if (input.credentials.sessionToken !== undefined) {
    params.push(["X-Amz-Security-Token", input.credentials.sessionToken]);
  }
  const existing = url.search.slice(1);
  const added = params.map(([n, v]) => `${n}=${uriEncode(v)}`).join("&");
  const query = existing === "" ? added : `${existing}&${added}`;
  const canonicalRequest = buildCanonicalRequest({
    method: input.method.toUpperCase(),
    canonicalUri: canonicalUri(url.pathname, input.service),
    canonicalQuery: canonicalQuery(query, true),
    headers: entries,
    payloadHash: EMPTY_SHA256,
  });
  const signature = sign(input.credentials, input.region, input.service, at, canonicalRequest);
  url.search = `?${query}&X-Amz-Signature=${signature}`;
  return url.toString();
}
