/**
 * SigV4 failures as AWS reports them: the `x-amzn-ErrorType`, the HTTP status and the exact message.
 *
 * Provenance of each message (see AWS-BEHAVIOUR.md conventions):
 * - [KC] AWS Knowledge Center / re:Post, recorded from API Gateway itself.
 * - [O]  observed API Gateway responses quoted in public bug reports.
 * - [C]  recorded from another AWS service on the same ("Coral") auth stack, as captured by
 *        emulators that replay real responses; API Gateway is assumed to share the wording.
 * - [M]  memory / inference, not confirmed.
 *
 * Status: API Gateway answers every SigV4 failure with 403, including IncompleteSignatureException
 * [O: "Authorization header requires ..." bodies arrive with status 403], although the generic AWS
 * "Common Errors" page lists IncompleteSignature as 400 for other services.
 */

/** The `x-amzn-ErrorType` values a SigV4 failure can carry. */
export type SigV4ErrorType =
  | "MissingAuthenticationTokenException"
  | "IncompleteSignatureException"
  | "InvalidSignatureException"
  | "UnrecognizedClientException"
  | "ExpiredTokenException";

/**
 * Why verification failed, for logs, metrics and tests; never sent to the client.
 * The AWS-facing wording lives in `message`.
 */
export type SigV4FailureReason =
  | "missing-authentication"
  | "both-auth-forms"
  | "malformed-authorization"
  | "missing-parameters"
  | "bad-date"
  | "bad-expires"
  | "expired"
  | "not-yet-valid"
  | "host-not-signed"
  | "unsupported-algorithm"
  | "malformed-credential"
  | "scope-mismatch"
  | "unknown-access-key"
  | "signature-mismatch"
  | "invalid-session-token"
  | "expired-session-token";

/**
 * The gateway response a data-plane failure maps to. [M]: AWS documents MISSING_AUTHENTICATION_TOKEN
 * and INVALID_SIGNATURE but not which SigV4 failure lands on which; everything except an unsigned
 * request is taken to be INVALID_SIGNATURE.
 */
export type SigV4GatewayResponseType = "MISSING_AUTHENTICATION_TOKEN" | "INVALID_SIGNATURE" | "EXPIRED_TOKEN";

/** A refused SigV4 request, ready to be rendered as `{"message": ...}` with `x-amzn-ErrorType: type`. */
export interface SigV4Error {
  readonly type: SigV4ErrorType;
  readonly status: number;
  readonly message: string;
  readonly reason: SigV4FailureReason;
  readonly gatewayResponseType: SigV4GatewayResponseType;
}

function error(type: SigV4ErrorType, reason: SigV4FailureReason, message: string): SigV4Error {
  return {
    type,
    status: 403,
    message,
    reason,
    gatewayResponseType:
      type === "MissingAuthenticationTokenException"
        ? "MISSING_AUTHENTICATION_TOKEN"
        : type === "ExpiredTokenException"
          ? "EXPIRED_TOKEN"
          : "INVALID_SIGNATURE",
  };
}

/** No `Authorization` header and no `X-Amz-Algorithm` query parameter. [O, KC] */
export function missingAuthenticationToken(): SigV4Error {
  return error(
    "MissingAuthenticationTokenException",
    "missing-authentication",
    "Missing Authentication Token",
  );
}

/** Both signing forms on one request. [C] */
export function bothAuthForms(): SigV4Error {
  return error(
    "InvalidSignatureException",
    "both-auth-forms",
    "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.",
  );
}

/**
 * A component of the Authorization header without `=`. Current API Gateway hashes the header rather
 * than echoing it, so a bearer token is not reflected back. [O]
 */
export function invalidKeyValuePair(authorizationSha256Base64: string): SigV4Error {
  return error(
    "IncompleteSignatureException",
    "malformed-authorization",
    "Invalid key=value pair (missing equal-sign) in Authorization header (hashed with SHA-256 and encoded " +
      `with Base64): '${authorizationSha256Base64}'.`,
  );
}

/**
 * Authorization header lacking Credential / Signature / SignedHeaders, or no date header.
 * Each missing part adds one sentence, then the header is echoed. [O] (newer API Gateway may hash the
 * echoed value as it does for {@link invalidKeyValuePair}; the echoing form is the one on record.)
 */
export function headerMissingParameters(
  missing: readonly string[],
  dateMissing: boolean,
  authorization: string,
): SigV4Error {
  let message = "";
  for (const name of missing) message += `Authorization header requires '${name}' parameter. `;
  if (dateMissing)
    message += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
  return error(
    "IncompleteSignatureException",
    "missing-parameters",
    `${message}Authorization=${authorization}`,
  );
}

/** Presigned form lacking one of its required query parameters. [C] */
export function queryMissingParameters(missing: readonly string[]): SigV4Error {
  let message = "";
  for (const name of missing) message += `AWS query-string parameters must include '${name}'. `;
  return error(
    "IncompleteSignatureException",
    "missing-parameters",
    `${message}Re-examine the query-string parameters.`,
  );
}

/** `X-Amz-Date` / `Date` not in ISO-8601 basic format. [C] */
export function badDate(got: string): SigV4Error {
  return error(
    "IncompleteSignatureException",
    "bad-date",
    `Date must be in ISO-8601 'basic format'. Got '${got}'. See http://en.wikipedia.org/wiki/ISO_8601`,
  );
}

/** `X-Amz-Expires` not a whole number of seconds, or over a week. [M]: wording borrowed from S3. */
export function badExpires(got: string): SigV4Error {
  const message = /^\d+$/.test(got)
    ? "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than " +
      "604800 seconds"
    : "X-Amz-Expires should be a number";
  return error("IncompleteSignatureException", "bad-expires", message);
}

/**
 * Signed too long ago: `window` reads like "5 min". [KC] for the clock-skew case; for an expired
 * presigned URL AWS's wording is [M] and the same sentence is used with the URL's lifetime.
 */
export function signatureExpired(amzDate: string, earliest: string, now: string, window: string): SigV4Error {
  return error(
    "InvalidSignatureException",
    "expired",
    `Signature expired: ${amzDate} is now earlier than ${earliest} (${now} - ${window}.)`,
  );
}

/** Signed in the future beyond the allowed skew. [O] */
export function signatureNotYetCurrent(
  amzDate: string,
  latest: string,
  now: string,
  window: string,
): SigV4Error {
  return error(
    "InvalidSignatureException",
    "not-yet-valid",
    `Signature not yet current: ${amzDate} is still later than ${latest} (${now} + ${window}.)`,
  );
}

/** `host` absent from SignedHeaders. [O] (older services said "'Host' must be a ...") */
export function hostNotSigned(): SigV4Error {
  return error(
    "InvalidSignatureException",
    "host-not-signed",
    "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
  );
}

/** Any algorithm but AWS4-HMAC-SHA256 (trailing space is AWS's). [C] */
export function unsupportedAlgorithm(algorithm: string): SigV4Error {
  return error(
    "IncompleteSignatureException",
    "unsupported-algorithm",
    `Unsupported AWS 'algorithm': '${algorithm}' (only AWS4-HMAC-SHA256 for now). `,
  );
}

/** Credential not of the form keyid/date/region/service/aws4_request. [C] */
export function malformedCredential(credential: string): SigV4Error {
  return error(
    "IncompleteSignatureException",
    "malformed-credential",
    "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, " +
      `got '${credential}'`,
  );
}

/** What a credential scope got wrong; each present field adds one sentence. */
export interface ScopeProblems {
  /** The region the request named, when it is not the gateway's. */
  readonly region?: string;
  /** The service the gateway expected, when the request named another. */
  readonly expectedService?: string;
  /** The terminator the request used, when it is not aws4_request. */
  readonly terminator?: string;
  /** Scope date vs. request date, when they differ. */
  readonly date?: { readonly scope: string; readonly request: string; readonly amzDate: string };
}

/** Credential scope naming the wrong region, service, terminator or day; all problems in one message. [C] */
export function scopeMismatch(problems: ScopeProblems): SigV4Error {
  let message = "";
  if (problems.region !== undefined)
    message += `Credential should be scoped to a valid region, not '${problems.region}'. `;
  if (problems.expectedService !== undefined)
    message += `Credential should be scoped to correct service: '${problems.expectedService}'. `;
  if (problems.terminator !== undefined)
    message += `Credential should be scoped with a valid terminator: 'aws4_request', not '${problems.terminator}'. `;
  if (problems.date !== undefined) {
    const { scope, request, amzDate } = problems.date;
    message +=
      "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: " +
      `'${scope}' != '${request}', from '${amzDate}'.`;
  }
  return error("InvalidSignatureException", "scope-mismatch", message);
}

/** Access key not known to the gateway. [KC] */
export function unrecognizedClient(): SigV4Error {
  return error(
    "UnrecognizedClientException",
    "unknown-access-key",
    "The security token included in the request is invalid.",
  );
}

/** Session token absent or not the one issued with the access key (no final period: AWS's). [C] */
export function invalidSessionToken(): SigV4Error {
  return error(
    "UnrecognizedClientException",
    "invalid-session-token",
    "The security token included in the request is invalid",
  );
}

/**
 * Temporary credentials whose session token is not one this gateway issued, was altered, or belongs
 * to another access key: API Gateway's answer to a wrong token (with its final period). [O]
 */
export function unknownSessionToken(): SigV4Error {
  return error(
    "UnrecognizedClientException",
    "invalid-session-token",
    "The security token included in the request is invalid.",
  );
}

/** Temporary credentials past their expiration (EXPIRED_TOKEN gateway response). [O] */
export function expiredSessionToken(): SigV4Error {
  return error(
    "ExpiredTokenException",
    "expired-session-token",
    "The security token included in the request is expired",
  );
}

/**
 * Signature does not verify. Like API Gateway, the message carries the canonical request and string to
 * sign the gateway computed, so a client can diff them against its own; neither holds a secret. [KC]
 */
export function signatureMismatch(canonicalRequest: string, stringToSign: string): SigV4Error {
  return error(
    "InvalidSignatureException",
    "signature-mismatch",
    "The request signature we calculated does not match the signature you provided. Check your AWS Secret " +
      "Access Key and signing method. Consult the service documentation for details.\n\n" +
      `The Canonical String for this request should have been\n'${canonicalRequest}'\n\n` +
      `The String-to-Sign should have been\n'${stringToSign}'\n`,
  );
}
