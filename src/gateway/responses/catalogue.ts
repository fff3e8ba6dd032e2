/**
 * The gateway-response catalogue: every answer the gateway gives on its own (not the backend's),
 * with AWS's status, `x-amzn-ErrorType` and message. Customisation per API (the GatewayResponse
 * resource) renders from these defaults.
 */

export type GatewayResponseType =
  | "MISSING_AUTHENTICATION_TOKEN"
  | "RESOURCE_NOT_FOUND"
  | "INTEGRATION_TIMEOUT"
  | "INTEGRATION_FAILURE"
  | "API_CONFIGURATION_ERROR"
  | "REQUEST_TOO_LARGE"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "BAD_REQUEST_PARAMETERS"
  | "BAD_REQUEST_BODY"
  | "INVALID_API_KEY"
  | "THROTTLED"
  | "QUOTA_EXCEEDED"
  | "DEFAULT_4XX"
  | "DEFAULT_5XX";

export interface GatewayResponse {
  statusCode: number;
  errorType?: string;
  /** The exact body bytes AWS sends. */
  body: string;
  /** Extra headers of a customised gateway response, flat `[name, value, …]`. */
  headers?: readonly string[];
  /** The body's content type when customised to something other than JSON. */
  contentType?: string;
}

/**
 * REST API defaults. Gateway responses render `{"message":$context.error.messageString}` (no space),
 * while integration failures that are not gateway responses print `{"message": "Internal server error"}`
 * with a space (AWS-BEHAVIOUR.md §1.3).
 */
export const REST_RESPONSES: Record<GatewayResponseType, GatewayResponse> = {
  MISSING_AUTHENTICATION_TOKEN: {
    statusCode: 403,
    errorType: "MissingAuthenticationTokenException",
    body: '{"message":"Missing Authentication Token"}',
  },
  RESOURCE_NOT_FOUND: { statusCode: 404, errorType: "NotFoundException", body: '{"message":"Not Found"}' },
  INTEGRATION_TIMEOUT: { statusCode: 504, body: '{"message":"Endpoint request timed out"}' },
  INTEGRATION_FAILURE: {
    statusCode: 500,
    errorType: "InternalServerErrorException",
    body: '{"message": "Internal server error"}',
  },
  API_CONFIGURATION_ERROR: {
    statusCode: 500,
    errorType: "InternalServerErrorException",
    body: '{"message": "Internal server error"}',
  },
  REQUEST_TOO_LARGE: {
    statusCode: 413,
    errorType: "RequestTooLargeException",
    body: '{"message":"Request Too Long"}',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    statusCode: 415,
    errorType: "UnsupportedMediaTypeException",
    body: '{"message":"Unsupported Media Type"}',
  },
  BAD_REQUEST_PARAMETERS: {
    statusCode: 400,
    errorType: "BadRequestException",
    // The names missing are put in per request (request-validation.ts).
    body: '{"message":"Missing required request parameters: []"}',
  },
  BAD_REQUEST_BODY: {
    statusCode: 400,
    errorType: "BadRequestException",
    body: '{"message":"Invalid request body"}',
  },
  INVALID_API_KEY: { statusCode: 403, errorType: "ForbiddenException", body: '{"message":"Forbidden"}' },
  THROTTLED: {
    statusCode: 429,
    errorType: "TooManyRequestsException",
    body: '{"message":"Too Many Requests"}',
  },
  QUOTA_EXCEEDED: {
    statusCode: 429,
    errorType: "LimitExceededException",
    body: '{"message":"Limit Exceeded"}',
  },
  DEFAULT_4XX: { statusCode: 400, errorType: "BadRequestException", body: '{"message":"Bad Request"}' },
  DEFAULT_5XX: {
    statusCode: 500,
    errorType: "InternalServerErrorException",
    body: '{"message":"Internal server error"}',
  },
};

/**
 * HTTP API answers. HTTP APIs answer unknown routes with 404 Not Found, and integration timeouts with
 * 503 Service Unavailable (observed on AWS, e.g. cortexlabs/cortex#1225).
 */
export const HTTP_API_RESPONSES: Record<GatewayResponseType, GatewayResponse> = {
  ...REST_RESPONSES,
  MISSING_AUTHENTICATION_TOKEN: {
    statusCode: 404,
    errorType: "NotFoundException",
    body: '{"message":"Not Found"}',
  },
  INTEGRATION_TIMEOUT: {
    statusCode: 503,
    errorType: "ServiceUnavailableException",
    body: '{"message":"Service Unavailable"}',
  },
  INTEGRATION_FAILURE: {
    statusCode: 500,
    errorType: "InternalServerErrorException",
    body: '{"message":"Internal Server Error"}',
  },
  API_CONFIGURATION_ERROR: {
    statusCode: 500,
    errorType: "InternalServerErrorException",
    body: '{"message":"Internal Server Error"}',
  },
  REQUEST_TOO_LARGE: {
    statusCode: 413,
    errorType: "RequestTooLargeException",
    body: '{"message":"Request Entity Too Large"}',
  },
};
