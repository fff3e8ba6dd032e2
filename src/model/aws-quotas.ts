/**
 * AWS's published quotas for REST and HTTP APIs, in one place, so every part enforces the same
 * number and a reader can check it against AWS's tables:
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-execution-service-limits-table.html
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html
 * Values that AWS lets an account raise are still AWS's defaults here.
 */
export const AWS_QUOTAS = {
  /** Request and response payload (REQUEST_TOO_LARGE, 413). */
  payloadBytes: 10 * 1024 * 1024,
  /** URL length, in characters: edge-optimized and private APIs. */
  urlCharsEdge: 8192,
  /** URL length, in characters: regional APIs (and HTTP APIs). */
  urlCharsRegional: 10_240,
  /** Request line and header values together, in bytes. */
  headerBytes: 10_240,
  /** A resource policy, in characters. */
  resourcePolicyChars: 8192,
  resourcesPerApi: 300,
  routesPerApi: 300,
  /** HTTP and WebSocket APIs. */
  integrationsPerApi: 300,
  stagesPerApi: 10,
  authorizersPerApi: 10,
  stageVariablesPerStage: 100,
  /**
   * An API's name and any description (apigatewayv2's model: 1–128 and 0–1024 characters). AWS does not
   * publish REST API bounds; the same ones are applied there.
   */
  apiNameChars: 128,
  descriptionChars: 1024,
  stageVariableKeyChars: 64,
  stageVariableValueChars: 512,
  /** A mapping template, in bytes. */
  mappingTemplateBytes: 300 * 1024,
  /** `#foreach` iterations in one loop of a mapping template. */
  foreachIterations: 1000,
  /** Integration timeout bounds, ms. */
  integrationTimeoutMinMs: 50,
  integrationTimeoutMaxMs: 29_000,
  /** Lambda's synchronous invocation response payload (beyond it: 502). */
  lambdaResponseBytes: 6 * 1024 * 1024,
  /** JWT authorizers: the OpenID discovery and JWKS fetches (HTTP APIs). */
  jwksTimeoutMs: 1500,
  jwksResponseBytes: 150_000,
  openIdDiscoveryTimeoutMs: 1500,
  /** Lambda authorizer response time (HTTP APIs). */
  lambdaAuthorizerTimeoutMs: 10_000,
  cacheTtlMaxSeconds: 3600,
  /** A Lambda authorizer's result TTL (authorizerResultTtlInSeconds), at most. */
  authorizerTtlMaxSeconds: 3600,
  cachedResponseBytes: 1_048_576,
} as const;
