import type { SigV4Error } from "../auth/sigv4/errors.ts";
import { errorXml, type StsReply } from "./sts-xml.ts";

/** A refused STS request: the Query protocol's status, code and message. */
export class StsError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }

  reply(): StsReply {
    return errorXml(this.status, this.code, this.message);
  }
}

export const accessDenied = (message: string) => new StsError(403, "AccessDenied", message);
export const validationError = (message: string) => new StsError(400, "ValidationError", message);
export const malformedPolicy = (message: string) => new StsError(400, "MalformedPolicyDocument", message);

/**
 * Coral's wording of parameter constraints, joined as AWS joins them:
 * "2 validation errors detected: Value … at 'roleArn' failed to satisfy constraint: …; Value …".
 */
export function validationErrors(problems: readonly string[]): StsError {
  const n = problems.length;
  return validationError(`${n} validation error${n === 1 ? "" : "s"} detected: ${problems.join("; ")}`);
}

/**
 * A SigV4 failure as a Query-protocol service names it: the same sentences under STS's codes
 * (MissingAuthenticationToken, IncompleteSignature, SignatureDoesNotMatch, InvalidClientTokenId,
 * ExpiredToken).
 */
export function signatureRefusal(error: SigV4Error): StsError {
  switch (error.type) {
    case "MissingAuthenticationTokenException":
      return new StsError(403, "MissingAuthenticationToken", "Request is missing Authentication Token");
    case "IncompleteSignatureException":
      return new StsError(400, "IncompleteSignature", error.message);
    case "InvalidSignatureException":
      return new StsError(403, "SignatureDoesNotMatch", error.message);
    case "ExpiredTokenException":
      return new StsError(403, "ExpiredToken", error.message);
    case "UnrecognizedClientException":
      return new StsError(
        403,
        "InvalidClientTokenId",
        "The security token included in the request is invalid.",
      );
  }
}
