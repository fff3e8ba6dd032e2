/** The data plane's own answers at the door, before any API is looked at. */

/** Answers of a node too full to take the request: another node (or a retry) should. */
export const NODE_FULL = {
  statusCode: 503,
  errorType: "ServiceUnavailableException",
  body: '{"message":"Service Unavailable"}',
  headers: ["Retry-After", "1"],
} as const;
export const CONNECTION_FULL = {
  statusCode: 429,
  errorType: "TooManyRequestsException",
  body: '{"message":"Too Many Requests"}',
  headers: ["Retry-After", "1"],
} as const;
/** A mutual TLS domain's answer to a client without a trusted certificate (API Gateway's, at the domain). */
export const MTLS_FORBIDDEN = {
  statusCode: 403,
  errorType: "ForbiddenException",
  body: '{"message":"Forbidden"}',
} as const;
