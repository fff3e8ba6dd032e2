/**
 * The HTTP API (apigatewayv2) resource model, in AWS's wire shape (camelCase as the SDK sees it).
 * Routes name their integration by `target: "integrations/{id}"`, as in AWS.
 */

export interface HttpIntegration {
  integrationId: string;
  integrationType: "HTTP_PROXY" | "AWS_PROXY" | "MOCK" | "HTTP" | "AWS";
  /** An AWS service integration (`SQS-SendMessage`, …): kept as written, not served by Portico. */
  integrationSubtype?: string;
  integrationUri?: string;
  integrationMethod?: string;
  payloadFormatVersion: "1.0" | "2.0";
  timeoutInMillis: number;
  connectionType?: "INTERNET" | "VPC_LINK";
  /** Parameter mapping: `overwrite:header.x`, `append:querystring.y`, `remove:header.z`, `overwrite:path` → value. */
  requestParameters?: Record<string, string>;
  responseParameters?: Record<string, Record<string, string>>;
  description?: string;
}

export interface HttpRoute {
  routeId: string;
  /** `METHOD /path` (METHOD may be ANY) or `$default`. */
  routeKey: string;
  target?: string;
  authorizationType: "NONE" | "JWT" | "AWS_IAM" | "CUSTOM";
  authorizerId?: string;
  authorizationScopes?: string[];
  apiKeyRequired: boolean;
  operationName?: string;
  requestParameters?: Record<string, { required: boolean }>;
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

export interface HttpRouteResponse {
  routeResponseId: string;
  routeResponseKey: string;
  modelSelectionExpression?: string;
  responseModels?: Record<string, string>;
}

export interface HttpApiDefinition {
  api: HttpApi;
  routes: Record<string, HttpRoute>;
  integrations: Record<string, HttpIntegration>;
  authorizers?: Record<string, HttpAuthorizer>;
  /** routeId → routeResponseId → response. */
  routeResponses?: Record<string, Record<string, HttpRouteResponse>>;
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
  tags?: Record<string, string>;
  createdDate: number;
  lastUpdatedDate: number;
}
