import type { GatewayResponseType } from "../../model/gateway-response-types.ts";

/**
 * The gateway-response catalogue: every answer the gateway gives on its own (not the backend's),
 * with AWS's status, `x-amzn-ErrorType` and message. Customisation per API (the GatewayResponse
 * resource) renders from these defaults.
 */

export type { GatewayResponseType } from "../../model/gateway-response-types.ts";

export interface GatewayResponse {
  statusCode: number;
  errorType?: string;
  /** The exact body bytes AWS sends. */
  body: string;
  /** Extra headers of a customised gateway response, flat `[name, value, …]`. */
  headers?: readonly string[];
  /** The body's content type when customised to something other than JSON. */
  contentType?: string;
  /**
   * A customised response's body for a refusal with its own message (its template rendered with
   * that `$context.error.message`); absent on AWS's built-in answers.
   */
  renderBody?: (message: string | null) => string;
}

/**
 * REST API defaults. Gateway responses render `{"message":$context.error.messageString}` (no space),
 * while integration failures that are not gateway responses print `{"message": "Internal server error"}`
 * with a space (AWS-BEHAVIOUR.md §1.3).
 */
export const REST_RESPONSES: Record<GatewayResponseType, GatewayResponse> = {
  ACCESS_DENIED: {
    statusCode: 403,
    errorType: "AccessDeniedException",
    // Policy denials print a capitalised "Message" (recorded); each refusal names its own.
    body: '{"Message":"User is not authorized to access this resource"}',
  },
  AUTHORIZER_CONFIGURATION_ERROR: {
    statusCode: 500,
    errorType: "AuthorizerConfigurationException",
    body: '{"message": null}',
  },
  AUTHORIZER_FAILURE: {
    statusCode: 500,
    errorType: "AuthorizerConfigurationException",
    body: '{"message": null}',
  },
  EXPIRED_TOKEN: {
    statusCode: 403,
    errorType: "InvalidSignatureException",
    body: '{"message":"Signature expired"}',
  },
  INVALID_SIGNATURE: {
    statusCode: 403,
    errorType: "InvalidSignatureException",
    body: '{"message":"The request signature we calculated does not match the signature you provided."}',
  },
  UNAUTHORIZED: { statusCode: 401, errorType: "UnauthorizedException", body: '{"message":"Unauthorized"}' },
  WAF_FILTERED: { statusCode: 403, errorType: "WAFFilteredException", body: '{"message":"Forbidden"}' },
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
  ACCESS_DENIED: { statusCode: 403, errorType: "ForbiddenException", body: '{"message":"Forbidden"}' },
  AUTHORIZER_FAILURE: {
    statusCode: 500,
    errorType: "InternalServerErrorException",
    body: '{"message":"Internal Server Error"}',
  },
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

/**
 * A refusal: the gateway-response type AWS answers it with, and what this refusal says beyond the
 * type's default (its own message, AWS's capitalised `Message` key for policy denials, an error type or
 * extra headers AWS sends with it). The stage's responses render it, so an API's customisation of the
 * type (or of DEFAULT_4XX/DEFAULT_5XX) applies to every refusal of that type.
 */
export interface Refusal {
  readonly type: GatewayResponseType;
  readonly message?: string | null;
  readonly messageKey?: "message" | "Message";
  readonly errorType?: string;
  /** Where this refusal's status is not its type's default (SigV4's 403 on an HTTP API, say). */
  readonly statusCode?: number;
  readonly headers?: readonly string[];
}

/** The answer a stage gives to a refusal (its responses are the customised catalogue). */
export function renderRefusal(
  responses: Readonly<Record<GatewayResponseType, GatewayResponse>>,
  refusal: Refusal,
): GatewayResponse {
  const base = responses[refusal.type];
  const hasMessage = refusal.message !== undefined;
  if (
    !hasMessage &&
    refusal.headers === undefined &&
    refusal.errorType === undefined &&
    refusal.statusCode === undefined
  )
    return base;
  const message = refusal.message ?? null;
  const custom = base.renderBody !== undefined;
  const body = !hasMessage
    ? base.body
    : custom
      ? base.renderBody!(message)
      : JSON.stringify({ [refusal.messageKey ?? "message"]: message });
  const headers =
    refusal.headers === undefined ? base.headers : [...(base.headers ?? []), ...refusal.headers];
  return {
    statusCode: custom ? base.statusCode : (refusal.statusCode ?? base.statusCode),
    errorType: custom ? base.errorType : (refusal.errorType ?? base.errorType),
    body,
    ...(headers === undefined ? {} : { headers }),
    ...(base.contentType === undefined ? {} : { contentType: base.contentType }),
  };
}

/**
 * AWS's answer before any API is chosen, so no API can customise it: a custom domain path that no
 * API mapping matches, and a request by the execute-api endpoint of an API that disables it
 * (`disableExecuteApiEndpoint`).
 */
export const FORBIDDEN: GatewayResponse = {
  statusCode: 403,
  errorType: "ForbiddenException",
  body: '{"message":"Forbidden"}',
};
