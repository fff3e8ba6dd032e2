/**
 * Server-side SigV4 verification for the admin plane (service `apigateway`), IAM-authorised data-plane
 * methods and `@connections` (service `execute-api`).
 *
 * Checks run in the order AWS's own front end applies them (so the same bad request earns the same
 * error): form → required parts → date → time window → host signed → algorithm → credential shape →
 * scope → access key → signature → session token.
 */
import { createHash, timingSafeEqual } from "node:crypto";
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
  parseAmzDate,
  percentDecode,
  SCOPE_TERMINATOR,
  sha256Hex,
} from "./canonical-request.ts";
import type { ScopeProblems, SigV4Error } from "./errors.ts";
import * as errors from "./errors.ts";
import { signingKey, signString } from "./signing-key.ts";

/** Header record as node:http gives it: lower-case names, repeated headers as arrays. */
export type RequestHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/** The parts of a received request that a SigV4 signature covers. */
export interface VerifiableRequest {
  readonly method: string;
  /** Path and query exactly as received (`req.url`), still percent-encoded. */
  readonly rawPath: string;
  readonly headers: RequestHeaders;
  /**
   * Hex SHA-256 of the body as received. Omitting it means "no body" unless the request carries a hex
   * `x-amz-content-sha256`, which is then trusted as is (and `payloadVerified` is false).
   */
  readonly bodySha256Hex?: string;
}

/** What a credential store returns for an access key; extra fields come back in the result. */
export interface StoredCredential {
  readonly secretAccessKey: string;
  /** When set, the request must carry exactly this session token. */
  readonly sessionToken?: string;
}

/** An access key the store knows but refuses for this request (an expired or altered session token). */
export interface CredentialRefusal {
  readonly refused: SigV4Error;
}

/** What a credential lookup is told beyond the access key: the session token sent, and the time. */
export interface LookupFacts {
  readonly sessionToken: string | undefined;
  readonly now: Date;
}

/** Where and how to verify. */
export interface VerifyOptions<C extends StoredCredential> {
  /** The service the credential scope must name: `apigateway`, `execute-api`, ... */
  readonly service: string;
  /** When set, the scope must name this region; otherwise any region is accepted. */
  readonly region?: string;
  /**
   * The credential of an access key. Temporary credentials are found by their session token, which
   * is checked (validity, expiry) before the signature, as AWS does.
   */
  readonly lookup: (accessKeyId: string, facts: LookupFacts) => C | CredentialRefusal | undefined;
  readonly now?: Date;
  /** Allowed clock skew either way, default five minutes (API Gateway's). */
  readonly maxSkewMs?: number;
}

/** A request whose signature verified. */
export interface VerifiedSignature<C extends StoredCredential> {
  readonly ok: true;
  readonly accessKeyId: string;
  readonly credential: C;
  readonly sessionToken?: string;
  readonly signedHeaders: readonly string[];
  readonly region: string;
  /** The request's signing time, `YYYYMMDDTHHMMSSZ`. */
  readonly amzDate: string;
  readonly presigned: boolean;
  /**
   * True when the signature covers the body as received. False for UNSIGNED-PAYLOAD (or another
   * non-hash literal), and for a hex `x-amz-content-sha256` that the caller did not check.
   */
  readonly payloadVerified: boolean;
}

/** Outcome of {@link verifySigV4}. */
export type VerifyResult<C extends StoredCredential> =
  | VerifiedSignature<C>
  | { readonly ok: false; readonly error: SigV4Error };

/** The signature fields of a request, whichever form carried them. */
interface SignatureParts {
  readonly algorithm: string;
  readonly credential: string;
  readonly signedHeaders: string;
  readonly signature: string;
  readonly amzDate: string;
  readonly expires: string | undefined;
  readonly sessionToken: string | undefined;
  readonly claimedPayloadHash: string | undefined;
  readonly presigned: boolean;
}

type ReadResult =
  | { readonly ok: true; readonly parts: SignatureParts }
  | { readonly ok: false; readonly error: SigV4Error };

// Repeated single-valued headers are joined, which then fails their format check: a request with two
// X-Amz-Date headers is refused rather than verified against either one.
function single(value: string | readonly string[] | undefined): string | undefined {
  return value === undefined || typeof value === "string" ? value : value.join(",");
}

function readAuthorizationHeader(raw: string, headers: RequestHeaders): ReadResult {
  const [algorithm = "", ...components] = raw.trim().split(/[\s,]+/);
  const params = new Map<string, string>();
  for (const component of components) {
    const eq = component.indexOf("=");
    if (eq < 0) {
      const hashed = createHash("sha256").update(raw).digest("base64");
      return { ok: false, error: errors.invalidKeyValuePair(hashed) };
    }
    params.set(component.slice(0, eq), component.slice(eq + 1));
  }
  // An empty SignedHeaders passes here and fails the host check, as AWS does.
  const missing = ["Credential", "Signature", "SignedHeaders"].filter(
    (n) => params.get(n) === undefined || (params.get(n) === "" && n !== "SignedHeaders"),
  );
  const amzDateHeader = single(headers["x-amz-date"]);
  const dateHeader = single(headers["date"]);
  const dateMissing = amzDateHeader === undefined && dateHeader === undefined;
  if (missing.length > 0 || dateMissing) {
    return { ok: false, error: errors.headerMissingParameters(missing, dateMissing, raw) };
  }
  // Without X-Amz-Date the HTTP Date header dates the request; the string to sign uses its ISO form.
  const httpDate = amzDateHeader === undefined ? new Date(dateHeader!) : undefined;
  const amzDate =
    amzDateHeader ?? (Number.isNaN(httpDate!.getTime()) ? dateHeader! : formatAmzDate(httpDate!));
  return {
    ok: true,
    parts: {
      algorithm,
      credential: params.get("Credential")!,
      signedHeaders: params.get("SignedHeaders")!,
      signature: params.get("Signature")!,
      amzDate,
      expires: undefined,
      sessionToken: single(headers["x-amz-security-token"]),
      claimedPayloadHash: single(headers["x-amz-content-sha256"]),
      presigned: false,
    },
  };
}

const REQUIRED_QUERY_PARAMS = [
  "X-Amz-Algorithm",
  "X-Amz-Credential",
  "X-Amz-Signature",
  "X-Amz-SignedHeaders",
];

/** The presigned form's fields, or undefined when the query has no X-Amz-Algorithm at all. */
function readPresignedQuery(rawQuery: string, headers: RequestHeaders): ReadResult | undefined {
  if (rawQuery === "") return undefined;
  const params = new Map<string, string>();
  for (const part of rawQuery.split("&")) {
    const eq = part.indexOf("=");
    const name = percentDecode(eq < 0 ? part : part.slice(0, eq)).toString("utf8");
    if (!name.startsWith("X-Amz-") || params.has(name)) continue;
    params.set(name, eq < 0 ? "" : percentDecode(part.slice(eq + 1)).toString("utf8"));
  }
  if (!params.has("X-Amz-Algorithm")) return undefined;
  const missing = REQUIRED_QUERY_PARAMS.filter((n) => !params.get(n));
  if (missing.length > 0) return { ok: false, error: errors.queryMissingParameters(missing) };
  return {
    ok: true,
    parts: {
      algorithm: params.get("X-Amz-Algorithm")!,
      credential: params.get("X-Amz-Credential")!,
      signedHeaders: params.get("X-Amz-SignedHeaders")!,
      signature: params.get("X-Amz-Signature")!,
      amzDate: params.get("X-Amz-Date")!,
      expires: params.get("X-Amz-Expires"),
      sessionToken: params.get("X-Amz-Security-Token"),
      claimedPayloadHash: params.get("X-Amz-Content-Sha256") ?? single(headers["x-amz-content-sha256"]),
      presigned: true,
    },
  };
}

const DEFAULT_MAX_SKEW_MS = 5 * 60_000;
const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;

function fail(error: SigV4Error): { ok: false; error: SigV4Error } {
  return { ok: false, error };
}

function windowLabel(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : `${ms / 1000} sec`;
}

function checkTime(parts: SignatureParts, signedAt: Date, now: Date, skewMs: number): SigV4Error | undefined {
  let lifetimeMs = skewMs;
  if (parts.expires !== undefined) {
    const seconds = /^\d+$/.test(parts.expires) ? Number(parts.expires) : Number.NaN;
    if (!(seconds <= 604_800)) return errors.badExpires(parts.expires);
    lifetimeMs = seconds * 1000;
  }
  if (signedAt.getTime() < now.getTime() - lifetimeMs) {
    const earliest = formatAmzDate(new Date(now.getTime() - lifetimeMs));
    return errors.signatureExpired(parts.amzDate, earliest, formatAmzDate(now), windowLabel(lifetimeMs));
  }
  if (signedAt.getTime() > now.getTime() + skewMs) {
    const latest = formatAmzDate(new Date(now.getTime() + skewMs));
    return errors.signatureNotYetCurrent(parts.amzDate, latest, formatAmzDate(now), windowLabel(skewMs));
  }
  return undefined;
}

function checkScope(
  scope: readonly string[],
  amzDate: string,
  options: { service: string; region?: string },
) {
  const [, date, region, service, terminator] = scope as [string, string, string, string, string];
  const problems: { -readonly [K in keyof ScopeProblems]: ScopeProblems[K] } = {};
  if (options.region !== undefined && region !== options.region) problems.region = region;
  if (service !== options.service) problems.expectedService = options.service;
  if (terminator !== SCOPE_TERMINATOR) problems.terminator = terminator;
  if (date !== amzDate.slice(0, 8)) problems.date = { scope: date, request: amzDate.slice(0, 8), amzDate };
  return Object.keys(problems).length > 0 ? errors.scopeMismatch(problems) : undefined;
}

function headerValue(headers: RequestHeaders, name: string): string {
  const value = headers[name] ?? (name === "host" ? headers[":authority"] : undefined);
  return value === undefined ? "" : canonicalHeaderValue(value);
}

/** The payload hash to sign with, and whether it pins the body actually received. */
function payloadHashOf(claimed: string | undefined, bodySha256Hex: string | undefined) {
  if (claimed !== undefined && !HEX_SHA256.test(claimed)) return { hash: claimed, verified: false };
  if (bodySha256Hex !== undefined) return { hash: bodySha256Hex.toLowerCase(), verified: true };
  if (claimed !== undefined) return { hash: claimed.toLowerCase(), verified: false };
  return { hash: EMPTY_SHA256, verified: true };
}

function sameSignature(expected: string, provided: string): boolean {
  const a = Buffer.from(expected, "latin1");
  const b = Buffer.from(provided, "latin1");
  // timingSafeEqual needs equal lengths; compare against itself so a wrong length costs the same.
  return a.length === b.length ? timingSafeEqual(a, b) : !timingSafeEqual(a, a);
}

function sameToken(expected: string, provided: string | undefined): boolean {
  if (provided === undefined) return false;
  return timingSafeEqual(Buffer.from(sha256Hex(expected), "hex"), Buffer.from(sha256Hex(provided), "hex"));
}

/** A request whose signature fields are in order and whose access key is known; the signature is unchecked. */
export interface SignedHeaders<C extends StoredCredential> {
  readonly ok: true;
  readonly accessKeyId: string;
  readonly credential: C;
  /**
   * The payload hash the signer declared (`x-amz-content-sha256`, or X-Amz-Content-Sha256 when presigned),
   * when there is one: with it the signature can be checked before the body has arrived.
   */
  readonly claimedPayloadHash: string | undefined;
}

/** Outcome of {@link checkSigV4Headers}. */
export type HeaderCheckResult<C extends StoredCredential> =
  | SignedHeaders<C>
  | { readonly ok: false; readonly error: SigV4Error };

/** Everything verification knows once the checks short of the signature have passed. */
interface ReadSignature<C extends StoredCredential> {
  readonly ok: true;
  readonly parts: SignatureParts;
  readonly path: string;
  readonly rawQuery: string;
  readonly signedHeaders: string[];
  readonly scope: string[];
  readonly credential: C;
}

function readSignature<C extends StoredCredential>(
  request: Omit<VerifiableRequest, "bodySha256Hex">,
  options: VerifyOptions<C>,
): ReadSignature<C> | { ok: false; error: SigV4Error } {
  const q = request.rawPath.indexOf("?");
  const path = q < 0 ? request.rawPath : request.rawPath.slice(0, q);
  const rawQuery = q < 0 ? "" : request.rawPath.slice(q + 1);
  const authorization = single(request.headers["authorization"]);
  const hasHeader = authorization !== undefined && authorization.trim() !== "";
  const presigned = readPresignedQuery(rawQuery, request.headers);
  if (hasHeader && presigned !== undefined) return fail(errors.bothAuthForms());
  if (!hasHeader && presigned === undefined) return fail(errors.missingAuthenticationToken());

  const read = hasHeader ? readAuthorizationHeader(authorization!, request.headers) : presigned!;
  if (!read.ok) return fail(read.error);
  const parts = read.parts;

  const signedAt = parseAmzDate(parts.amzDate);
  if (signedAt === undefined) return fail(errors.badDate(parts.amzDate));
  const now = options.now ?? new Date();
  const timeError = checkTime(parts, signedAt, now, options.maxSkewMs ?? DEFAULT_MAX_SKEW_MS);
  if (timeError !== undefined) return fail(timeError);

  const signedHeaders = parts.signedHeaders.split(";");
  if (!signedHeaders.some((n) => n.toLowerCase() === "host" || n === ":authority")) {
    return fail(errors.hostNotSigned());
  }
  if (parts.algorithm !== ALGORITHM) return fail(errors.unsupportedAlgorithm(parts.algorithm));
  const scope = parts.credential.split("/");
  if (scope.length !== 5) return fail(errors.malformedCredential(parts.credential));
  const scopeError = checkScope(scope, parts.amzDate, options);
  if (scopeError !== undefined) return fail(scopeError);

  const credential = options.lookup(scope[0]!, { sessionToken: parts.sessionToken, now });
  if (credential === undefined) return fail(errors.unrecognizedClient());
  if ("refused" in credential) return fail(credential.refused);
  return { ok: true, parts, path, rawQuery, signedHeaders, scope, credential };
}

/**
 * Every check of {@link verifySigV4} that needs no body: form, parts, date and time window, host signed,
 * algorithm, credential scope and a known access key. A server runs it before reading a body, so an
 * unsigned or unknown-key upload is refused without being received.
 */
export function checkSigV4Headers<C extends StoredCredential>(
  request: Omit<VerifiableRequest, "bodySha256Hex">,
  options: VerifyOptions<C>,
): HeaderCheckResult<C> {
  const read = readSignature(request, options);
  if (!read.ok) return read;
  return {
    ok: true,
    accessKeyId: read.scope[0]!,
    credential: read.credential,
    claimedPayloadHash: read.parts.claimedPayloadHash,
  };
}

/**
 * Verifies a SigV4-signed request (Authorization header or presigned query string).
 * Never throws for anything the client sent; every refusal is an {@link SigV4Error} value.
 */
export function verifySigV4<C extends StoredCredential>(
  request: VerifiableRequest,
  options: VerifyOptions<C>,
): VerifyResult<C> {
  const read = readSignature(request, options);
  if (!read.ok) return read;
  const { parts, scope, signedHeaders, credential } = read;
  const accessKeyId = scope[0]!;

  const payload = payloadHashOf(parts.claimedPayloadHash, request.bodySha256Hex);
  const canonicalRequest = buildCanonicalRequest({
    method: request.method,
    canonicalUri: canonicalUri(read.path, options.service),
    canonicalQuery: canonicalQuery(read.rawQuery, parts.presigned),
    headers: signedHeaders.map((name) => [name, headerValue(request.headers, name.toLowerCase())] as const),
    payloadHash: payload.hash,
  });
  const region = scope[2]!;
  const scopeText = credentialScope(scope[1]!, region, options.service);
  const stringToSign = buildStringToSign(parts.amzDate, scopeText, canonicalRequest);
  const key = signingKey(credential.secretAccessKey, scope[1]!, region, options.service);
  if (!sameSignature(signString(key, stringToSign), parts.signature)) {
    return fail(errors.signatureMismatch(canonicalRequest, stringToSign));
  }
  if (credential.sessionToken !== undefined && !sameToken(credential.sessionToken, parts.sessionToken)) {
    return fail(errors.invalidSessionToken());
  }
  return {
    ok: true,
    accessKeyId,
    credential,
    sessionToken: parts.sessionToken,
    signedHeaders,
    region,
    amzDate: parts.amzDate,
    presigned: parts.presigned,
    payloadVerified: payload.verified,
  };
}
