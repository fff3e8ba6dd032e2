/**
 * AWS's gateway-response types (the GatewayResponse resource's `responseType`) and the status code
 * each defaults to when customised without one (AWS-BEHAVIOUR.md §1.3;
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html).
 * DEFAULT_4XX and DEFAULT_5XX have no status of their own: they stand in for a type by its class.
 */
export const GATEWAY_RESPONSE_TYPES = {
  ACCESS_DENIED: "403",
  API_CONFIGURATION_ERROR: "500",
  AUTHORIZER_CONFIGURATION_ERROR: "500",
  AUTHORIZER_FAILURE: "500",
  BAD_REQUEST_BODY: "400",
  BAD_REQUEST_PARAMETERS: "400",
  DEFAULT_4XX: undefined,
  DEFAULT_5XX: undefined,
  EXPIRED_TOKEN: "403",
  INTEGRATION_FAILURE: "504",
  INTEGRATION_TIMEOUT: "504",
  INVALID_API_KEY: "403",
  INVALID_SIGNATURE: "403",
  MISSING_AUTHENTICATION_TOKEN: "403",
  QUOTA_EXCEEDED: "429",
  REQUEST_TOO_LARGE: "413",
  RESOURCE_NOT_FOUND: "404",
  THROTTLED: "429",
  UNAUTHORIZED: "401",
  UNSUPPORTED_MEDIA_TYPE: "415",
  WAF_FILTERED: "403",
} as const satisfies Record<string, string | undefined>;

export type GatewayResponseType = keyof typeof GATEWAY_RESPONSE_TYPES;

export const isGatewayResponseType = (type: string): type is GatewayResponseType =>
  Object.hasOwn(GATEWAY_RESPONSE_TYPES, type);
