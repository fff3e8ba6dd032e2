/**
 * The REST API (apigateway v1) resource model, in AWS's own wire shape so that the admin API can
 * serialise it unchanged. A `RestApiDefinition` is the whole editable API: the deployable part
 * (resources, methods, integrations) plus its metadata. A deployment freezes a copy of it.
 */

export type HttpMethod = "GET" | "PUT" | "POST" | "DELETE" | "PATCH" | "OPTIONS" | "HEAD" | "ANY";
export const HTTP_METHODS: readonly HttpMethod[] = [
  "GET",
  "PUT",
  "POST",
  "DELETE",
  "PATCH",
  "OPTIONS",
  "HEAD",
  "ANY",
];

export type IntegrationType = "HTTP" | "HTTP_PROXY" | "MOCK" | "AWS" | "AWS_PROXY";
export type PassthroughBehavior = "WHEN_NO_MATCH" | "WHEN_NO_TEMPLATES" | "NEVER";
export type ContentHandling = "CONVERT_TO_BINARY" | "CONVERT_TO_TEXT";
export type EndpointType = "EDGE" | "REGIONAL" | "PRIVATE";

export interface IntegrationResponse {
  statusCode: string;
  /** Java regex matched against the whole backend status (HTTP) or Lambda errorMessage; absent = default. */
  selectionPattern?: string;
  responseParameters?: Record<string, string>;
  responseTemplates?: Record<string, string>;
  contentHandling?: ContentHandling;
}

export interface Integration {
  type: IntegrationType;
  /** The backend's HTTP method (AWS: integrationHttpMethod); absent for MOCK. */
  httpMethod?: string;
  uri?: string;
  credentials?: string;
  /** `integration.request.{path|querystring|header}.NAME` → `method.request.…`, `'static'`, `stageVariables.x`, `context.x`. */
  requestParameters?: Record<string, string>;
  requestTemplates?: Record<string, string>;
  passthroughBehavior: PassthroughBehavior;
  contentHandling?: ContentHandling;
  timeoutInMillis: number;
  cacheNamespace?: string;
  cacheKeyParameters: string[];
  connectionType?: "INTERNET" | "VPC_LINK";
  connectionId?: string;
  tlsConfig?: { insecureSkipVerification?: boolean };
  integrationResponses?: Record<string, IntegrationResponse>;
}

export interface MethodResponse {
  statusCode: string;
  responseParameters?: Record<string, boolean>;
  responseModels?: Record<string, string>;
}

export interface Method {
  httpMethod: HttpMethod;
  authorizationType: "NONE" | "AWS_IAM" | "CUSTOM" | "COGNITO_USER_POOLS";
  authorizerId?: string;
  authorizationScopes?: string[];
  apiKeyRequired: boolean;
  operationName?: string;
  /** `method.request.{path|querystring|multivaluequerystring|header|multivalueheader}.NAME` → required. */
  requestParameters?: Record<string, boolean>;
  requestModels?: Record<string, string>;
  requestValidatorId?: string;
  methodResponses?: Record<string, MethodResponse>;
  methodIntegration?: Integration;
}

export interface Resource {
  id: string;
  parentId?: string;
  /** Literal, `{name}` or greedy `{name+}`; absent on the root. */
  pathPart?: string;
  path: string;
  resourceMethods?: Record<string, Method>;
}

export interface Model {
  id: string;
  name: string;
  contentType: string;
  schema?: string;
  description?: string;
}

export interface RestApi {
  id: string;
  name: string;
  description?: string;
  version?: string;
  createdDate: number;
  binaryMediaTypes?: string[];
  minimumCompressionSize?: number;
  apiKeySource: "HEADER" | "AUTHORIZER";
  endpointConfiguration: { types: EndpointType[]; vpcEndpointIds?: string[] };
  policy?: string;
  disableExecuteApiEndpoint: boolean;
  tags?: Record<string, string>;
  rootResourceId: string;
}

export interface RequestValidator {
  id: string;
  name: string;
  validateRequestBody: boolean;
  validateRequestParameters: boolean;
}

export interface Authorizer {
  id: string;
  name: string;
  type: "TOKEN" | "REQUEST" | "COGNITO_USER_POOLS";
  providerARNs?: string[];
  authType?: string;
  authorizerUri?: string;
  authorizerCredentials?: string;
  identitySource?: string;
  identityValidationExpression?: string;
  authorizerResultTtlInSeconds?: number;
}

/** A customised gateway response (`DEFAULT_4XX`, `THROTTLED`, …). */
export interface GatewayResponseSetting {
  responseType: string;
  statusCode?: string;
  responseParameters?: Record<string, string>;
  responseTemplates?: Record<string, string>;
  defaultResponse: boolean;
}

/** Everything a deployment freezes, plus the API's metadata. Resources are keyed by id. */
export interface RestApiDefinition {
  api: RestApi;
  resources: Record<string, Resource>;
  models: Record<string, Model>;
  requestValidators?: Record<string, RequestValidator>;
  authorizers?: Record<string, Authorizer>;
  /** Keyed by response type; only the customised ones. */
  gatewayResponses?: Record<string, GatewayResponseSetting>;
}

export interface Deployment {
  id: string;
  restApiId: string;
  description?: string;
  createdDate: number;
  /** The frozen definition this deployment serves; never mutated after creation. */
  snapshot: RestApiDefinition;
}

/**
 * A stage's canary release: `percentTraffic` percent of the stage's requests, picked at random, are
 * served by `deploymentId` with the stage variables overlaid by `stageVariableOverrides`.
 */
export interface CanarySettings {
  deploymentId: string;
  /** 0.0–100.0. */
  percentTraffic: number;
  stageVariableOverrides?: Record<string, string>;
  /** Whether canary requests use the stage cache (kept apart from production's when the deployments differ). */
  useStageCache: boolean;
}

export interface Stage {
  restApiId: string;
  stageName: string;
  deploymentId: string;
  description?: string;
  variables?: Record<string, string>;
  cacheClusterEnabled: boolean;
  cacheClusterStatus: "NOT_AVAILABLE" | "AVAILABLE";
  /** GB, one of AWS's sizes ("0.5" … "237"); the in-process cache's byte bound. */
  cacheClusterSize?: string;
  tracingEnabled: boolean;
  methodSettings: Record<string, unknown>;
  tags?: Record<string, string>;
  canarySettings?: CanarySettings;
  accessLogSettings?: AccessLogSettings;
  createdDate: number;
  lastUpdatedDate: number;
}

/**
 * A stage's access logging: the log group (or Firehose stream) ARN and the line format. A stage logs
 * when it has both; the config file maps the ARN to where lines are written.
 */
export interface AccessLogSettings {
  destinationArn?: string;
  format?: string;
}

/** One entry of a stage's `methodSettings`, keyed `{resourcePath}/{method}` (or the all-methods wildcard). */
export interface MethodSetting {
  metricsEnabled?: boolean;
  loggingLevel?: string;
  dataTraceEnabled?: boolean;
  throttlingBurstLimit?: number;
  throttlingRateLimit?: number;
  cachingEnabled?: boolean;
  cacheTtlInSeconds?: number;
  cacheDataEncrypted?: boolean;
  requireAuthorizationForCacheControl?: boolean;
  unauthorizedCacheControlHeaderStrategy?: string;
}
