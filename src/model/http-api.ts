import type { AccessLogSettings } from "./rest-api.ts";
/**
 * The HTTP and WebSocket API (apigatewayv2) resource model, in AWS's wire shape (camelCase as the SDK
 * sees it). Routes name their integration by `target: "integrations/{id}"`, as in AWS. Members marked
 * "WebSocket" are set only on WEBSOCKET APIs (AWS: "Supported only for WebSocket APIs").
 */

export type ContentHandlingStrategy = "CONVERT_TO_BINARY" | "CONVERT_TO_TEXT";
export type PassthroughBehavior = "WHEN_NO_MATCH" | "NEVER" | "WHEN_NO_TEMPLATES";
/** `{ required }` per route (or route response) parameter, e.g. `route.request.querystring.token`. */
export type ParameterConstraints = Record<string, { required: boolean }>;

export interface HttpIntegration {
  integrationId: string;
  integrationType: "HTTP_PROXY" | "AWS_PROXY" | "MOCK" | "HTTP" | "AWS";
  /** An AWS service integration (`SQS-SendMessage`, …): kept as written, not served by Portico. */
  integrationSubtype?: string;
  integrationUri?: string;
  integrationMethod?: string;
  /** WebSocket APIs: always "1.0". */
  payloadFormatVersion: "1.0" | "2.0";
  /** HTTP APIs 50–30000 (default 30000); WebSocket APIs 50–29000 (default 29000). */
  timeoutInMillis: number;
  connectionType?: "INTERNET" | "VPC_LINK";
  connectionId?: string;
  credentialsArn?: string;
  /**
   * HTTP APIs: parameter mapping, `overwrite:header.x`, `append:querystring.y`, `remove:header.z`,
   * `overwrite:path` → value. WebSocket APIs: `integration.request.header.x` /
   * `integration.request.querystring.y` (/ `integration.request.path.z`) → `route.request.header.a`,
   * `route.request.querystring.b`, `route.request.body.jsonPath`, `context.c`, `stageVariables.d` or
   * `'static'`.
   */
  requestParameters?: Record<string, string>;
  responseParameters?: Record<string, Record<string, string>>;
  description?: string;
  /** WebSocket: mapping templates by key (a content type or a template selection result, `$default`). */
  requestTemplates?: Record<string, string>;
  /** WebSocket: picks the request template, e.g. `\$default` or `${request.body.type}`. */
  templateSelectionExpression?: string;
  /** WebSocket: WHEN_NO_MATCH unless given. */
  passthroughBehavior?: PassthroughBehavior;
  /** WebSocket: how the request payload is converted (absent = passed through). */
  contentHandlingStrategy?: ContentHandlingStrategy;
  /**
   * WebSocket, set by API Gateway from the type (not writable): `${integration.response.statuscode}`
   * for HTTP and MOCK, `${integration.response.body.errorMessage}` for AWS (Lambda); absent for the
   * proxies, which pass the backend's answer through.
   */
  integrationResponseSelectionExpression?: string;
  tlsConfig?: { serverNameToVerify?: string };
}

/** WebSocket: how a non-proxy integration's answer becomes the route's response. */
export interface HttpIntegrationResponse {
  integrationResponseId: string;
  /** `$default`, or a pattern between slashes (`/4\d\d/`) matched against the selection result. */
  integrationResponseKey: string;
  responseTemplates?: Record<string, string>;
  templateSelectionExpression?: string;
  contentHandlingStrategy?: ContentHandlingStrategy;
  responseParameters?: Record<string, string>;
}

/** WebSocket: a JSON Schema (draft 4) model, named by routes' `requestModels`. */
export interface HttpModel {
  modelId: string;
  /** Alphanumeric. */
  name: string;
  contentType?: string;
  description?: string;
  schema: string;
}

export interface HttpRoute {
  routeId: string;
  /**
   * HTTP APIs: `METHOD /path` (METHOD may be ANY) or `$default`. WebSocket APIs: `$connect`,
   * `$disconnect`, `$default` or a custom key matched against the route selection result.
   */
  routeKey: string;
  target?: string;
  /** WebSocket APIs: NONE, AWS_IAM or CUSTOM, and anything but NONE only on `$connect`. */
  authorizationType: "NONE" | "JWT" | "AWS_IAM" | "CUSTOM";
  authorizerId?: string;
  authorizationScopes?: string[];
  apiKeyRequired: boolean;
  operationName?: string;
  /** WebSocket: `route.request.header.x` / `route.request.querystring.y` (on `$connect`) → `{ required }`. */
  requestParameters?: ParameterConstraints;
  /** WebSocket: two-way route when set; only `$default` is allowed. */
  routeResponseSelectionExpression?: string;
  /** WebSocket: picks the key of `requestModels` for request validation. */
  modelSelectionExpression?: string;
  /** WebSocket: model selection key (`$default`, …) → model name. */
  requestModels?: Record<string, string>;
}

export interface HttpApi {
  apiId: string;
  name: string;
  description?: string;
  version?: string;
  protocolType: "HTTP" | "WEBSOCKET";
  routeSelectionExpression: string;
  apiKeySelectionExpression: string;
  apiEndpoint: string;
  createdDate: number;
  disableExecuteApiEndpoint: boolean;
  /** WebSocket: skip model validation at deployment. */
  disableSchemaValidation?: boolean;
  corsConfiguration?: Record<string, unknown>;
  tags?: Record<string, string>;
}

export interface HttpAuthorizer {
  authorizerId: string;
  name: string;
  authorizerType: "JWT" | "REQUEST";
  identitySource: string[];
  jwtConfiguration?: { issuer?: string; audience?: string[] };
  authorizerUri?: string;
  authorizerCredentialsArn?: string;
  authorizerPayloadFormatVersion?: "1.0" | "2.0";
  authorizerResultTtlInSeconds?: number;
  enableSimpleResponses?: boolean;
  identityValidationExpression?: string;
}

/** A route response (WebSocket: only `$default`); it makes a two-way route answer the client. */
export interface HttpRouteResponse {
  routeResponseId: string;
  routeResponseKey: string;
  modelSelectionExpression?: string;
  responseModels?: Record<string, string>;
  responseParameters?: ParameterConstraints;
}

export interface HttpApiDefinition {
  api: HttpApi;
  routes: Record<string, HttpRoute>;
  integrations: Record<string, HttpIntegration>;
  authorizers?: Record<string, HttpAuthorizer>;
  /** routeId → routeResponseId → response. */
  routeResponses?: Record<string, Record<string, HttpRouteResponse>>;
  /** WebSocket: integrationId → integrationResponseId → response. */
  integrationResponses?: Record<string, Record<string, HttpIntegrationResponse>>;
  /** WebSocket: modelId → model (routes name models by `name`). */
  models?: Record<string, HttpModel>;
}

export interface HttpDeployment {
  deploymentId: string;
  apiId: string;
  description?: string;
  createdDate: number;
  autoDeployed: boolean;
  deploymentStatus: "DEPLOYED";
  snapshot: HttpApiDefinition;
}

export interface HttpStage {
  apiId: string;
  stageName: string;
  deploymentId?: string;
  description?: string;
  autoDeploy: boolean;
  stageVariables?: Record<string, string>;
  defaultRouteSettings?: Record<string, unknown>;
  routeSettings?: Record<string, unknown>;
  accessLogSettings?: AccessLogSettings;
  tags?: Record<string, string>;
  createdDate: number;
  lastUpdatedDate: number;
  /** Auto-deploy stages: how the last automatic deployment went, in AWS's words. */
  lastDeploymentStatusMessage?: string;
}
