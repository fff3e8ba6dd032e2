/**
 * AWS Signature Version 4 on node:crypto: verification for the admin plane, IAM-authorised methods and
 * `@connections`, and signing for Portico's own clients.
 */
export {
  ALGORITHM,
  EMPTY_SHA256,
  formatAmzDate,
  sha256Hex,
  UNSIGNED_PAYLOAD,
} from "./canonical-request.ts";
export type { SigV4Error, SigV4ErrorType, SigV4FailureReason, SigV4GatewayResponseType } from "./errors.ts";
export type { AwsCredentials, PresignUrlInput, SignRequestInput } from "./sign-request.ts";
export { presignUrl, signRequest } from "./sign-request.ts";
export type {
  CredentialRefusal,
  HeaderCheckResult,
  LookupFacts,
  RequestHeaders,
  SignedHeaders,
  StoredCredential,
  VerifiableRequest,
  VerifiedSignature,
  VerifyOptions,
  VerifyResult,
} from "./verify-request.ts";
export { checkSigV4Headers, verifySigV4 } from "./verify-request.ts";
