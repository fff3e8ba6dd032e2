import { apiId, stageVariables, stringMap } from "./schema-parts.ts";

/**
 * An `apis:` entry of `type: WEBSOCKET`: a WebSocket API declared inline (AWS has no OpenAPI import
 * for them), in apigatewayv2's field names as CloudFormation's AWS::ApiGatewayV2::Api, Route,
 * Integration, RouteResponse, IntegrationResponse, Model and Authorizer write them. The schema checks
 * the shape; the values (route keys, integration types, selection expressions) are checked by the
 * control plane's own CreateRoute/CreateIntegration rules, so a bad one gets AWS's words.
 */

const parameterConstraints = {
  type: "object",
  additionalProperties: {
    type: "object",
    additionalProperties: false,
    properties: { required: { type: "boolean", description: "Whether the parameter must be present." } },
  },
} as const;

const integration = {
  type: "object",
  additionalProperties: false,
  description: "The route's integration (Integration): the backend that serves it.",
  properties: {
    integrationType: { type: "string", description: "AWS_PROXY, AWS, HTTP_PROXY, HTTP or MOCK." },
    integrationUri: {
      type: "string",
      description:
        "A Lambda function's invocation ARN (arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/arn:aws:lambda:{region}:{account}:function:{name}/invocations) or an HTTP URL; none for MOCK.",
    },
    integrationMethod: { type: "string", description: "HTTP method towards the backend (Lambda: POST)." },
    description: { type: "string", description: "The integration's description." },
    payloadFormatVersion: { type: "string", description: "1.0, the only one WebSocket APIs take." },
    timeoutInMillis: { type: "integer", description: "50–29000 ms (default 29000)." },
    connectionType: { type: "string", description: "INTERNET (default) or VPC_LINK." },
    connectionId: { type: "string", description: "The VPC link, with connectionType VPC_LINK." },
    credentialsArn: { type: "string", description: "IAM role the gateway assumes to call the backend." },
    requestParameters: {
      ...stringMap,
      description:
        "integration.request.{header|querystring|path}.name → route.request.…, context.…, stageVariables.… or 'static'.",
    },
    requestTemplates: {
      ...stringMap,
      description: "Mapping templates by template selection result (or $default).",
    },
    templateSelectionExpression: {
      type: "string",
      description: "Picks the request template, e.g. ${request.body.type} or \\$default.",
    },
    passthroughBehavior: {
      type: "string",
      description: "WHEN_NO_MATCH (default), WHEN_NO_TEMPLATES or NEVER.",
    },
    contentHandlingStrategy: { type: "string", description: "CONVERT_TO_BINARY or CONVERT_TO_TEXT." },
  },
} as const;

const integrationResponse = {
  type: "object",
  additionalProperties: false,
  properties: {
    responseTemplates: { ...stringMap, description: "Templates by template selection result." },
    templateSelectionExpression: { type: "string", description: "Picks the response template." },
    contentHandlingStrategy: { type: "string", description: "CONVERT_TO_BINARY or CONVERT_TO_TEXT." },
    responseParameters: { ...stringMap, description: "Response parameter mappings." },
  },
} as const;

const routeResponse = {
  type: "object",
  additionalProperties: false,
  properties: {
    modelSelectionExpression: { type: "string", description: "Picks the response model." },
    responseModels: { ...stringMap, description: "Model selection key → model name (of models)." },
    responseParameters: { ...parameterConstraints, description: "Response parameters → {required}." },
  },
} as const;

const route = {
  type: "object",
  additionalProperties: false,
  required: ["integration"],
  properties: {
    integration,
    authorizationType: {
      type: "string",
      description: "NONE (default), AWS_IAM or CUSTOM; anything but NONE only on $connect.",
    },
    authorizerId: {
      type: "string",
      description: "With CUSTOM: the name of an entry of this API's authorizers.",
    },
    apiKeyRequired: { type: "boolean", description: "Whether the route requires an API key." },
    operationName: { type: "string", description: "The route's operation name." },
    requestParameters: {
      ...parameterConstraints,
      description: "route.request.{header|querystring}.name → {required} (on $connect).",
    },
    requestModels: { ...stringMap, description: "Model selection key → model name (of models)." },
    modelSelectionExpression: { type: "string", description: "Picks the request model." },
    routeResponseSelectionExpression: {
      type: "string",
      description:
        "$default makes the route two-way: the integration's answer goes back to the client (a $default route response is created unless routeResponses are given).",
    },
    routeResponses: {
      type: "object",
      description: "Route responses by key (WebSocket APIs: only $default).",
      additionalProperties: routeResponse,
    },
    integrationResponses: {
      type: "object",
      description: "The integration's responses by key: $default or a pattern between slashes (/4\\d\\d/).",
      additionalProperties: integrationResponse,
    },
  },
} as const;

export const WEBSOCKET_API_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["type", "name", "routeSelectionExpression", "stage", "routes"],
  properties: {
    type: { const: "WEBSOCKET", description: "A WebSocket API, declared here rather than by OpenAPI." },
    name: { type: "string", description: "The API's name." },
    id: {
      ...apiId,
      description: "Fixed API id (10 lower-case letters/digits); else one derived from the name.",
    },
    description: { type: "string", description: "The API's description." },
    version: { type: "string", description: "The API's version." },
    routeSelectionExpression: {
      type: "string",
      description: "What picks a message's route, e.g. $request.body.action.",
    },
    apiKeySelectionExpression: {
      type: "string",
      description: "$request.header.x-api-key (default) or $context.authorizer.usageIdentifierKey.",
    },
    disableSchemaValidation: { type: "boolean", description: "Skip model validation at deployment." },
    disableExecuteApiEndpoint: {
      type: "boolean",
      description: "Refuse the execute-api host (custom domains only).",
    },
    tags: { ...stringMap, description: "The API's tags." },
    stage: {
      type: "string",
      pattern: "^[A-Za-z0-9_-]{1,128}$",
      description: "Stage to deploy to, auto-deploying (WebSocket APIs have no $default stage).",
    },
    variables: stageVariables,
    models: {
      type: "object",
      description: "JSON Schema (draft 4) models by name, named by routes' requestModels.",
      additionalProperties: {
        type: "object",
        additionalProperties: false,
        required: ["schema"],
        properties: {
          schema: { type: ["object", "string"], description: "The JSON Schema, as YAML or as JSON text." },
          contentType: { type: "string", description: "The model's content type." },
          description: { type: "string", description: "The model's description." },
        },
      },
    },
    authorizers: {
      type: "object",
      description: "Lambda REQUEST authorizers by name, for $connect routes with CUSTOM authorization.",
      additionalProperties: {
        type: "object",
        additionalProperties: false,
        properties: {
          authorizerType: { type: "string", description: "REQUEST, the only type WebSocket APIs take." },
          authorizerUri: { type: "string", description: "The authorizer function's invocation ARN." },
          identitySource: {
            type: "array",
            items: { type: "string" },
            description: "route.request.header.X, route.request.querystring.Y, stageVariables.Z, context.W.",
          },
          authorizerCredentialsArn: { type: "string", description: "IAM role to invoke the function." },
          authorizerResultTtlInSeconds: { type: "integer", description: "0–3600." },
        },
      },
    },
    routes: {
      type: "object",
      minProperties: 1,
      description: "Routes by route key: $connect, $disconnect, $default or a custom key.",
      additionalProperties: route,
    },
  },
} as const;

type ParameterConstraints = Record<string, { required?: boolean }>;

export interface WebSocketIntegrationConfig {
  integrationType?: string;
  integrationUri?: string;
  integrationMethod?: string;
  description?: string;
  payloadFormatVersion?: string;
  timeoutInMillis?: number;
  connectionType?: string;
  connectionId?: string;
  credentialsArn?: string;
  requestParameters?: Record<string, string>;
  requestTemplates?: Record<string, string>;
  templateSelectionExpression?: string;
  passthroughBehavior?: string;
  contentHandlingStrategy?: string;
}

export interface WebSocketRouteConfig {
  integration?: WebSocketIntegrationConfig;
  authorizationType?: string;
  authorizerId?: string;
  apiKeyRequired?: boolean;
  operationName?: string;
  requestParameters?: ParameterConstraints;
  requestModels?: Record<string, string>;
  modelSelectionExpression?: string;
  routeResponseSelectionExpression?: string;
  routeResponses?: Record<
    string,
    {
      modelSelectionExpression?: string;
      responseModels?: Record<string, string>;
      responseParameters?: ParameterConstraints;
    }
  >;
  integrationResponses?: Record<
    string,
    {
      responseTemplates?: Record<string, string>;
      templateSelectionExpression?: string;
      contentHandlingStrategy?: string;
      responseParameters?: Record<string, string>;
    }
  >;
}

export interface WebSocketApiConfig {
  type: "WEBSOCKET";
  name: string;
  id?: string;
  description?: string;
  version?: string;
  routeSelectionExpression: string;
  apiKeySelectionExpression?: string;
  disableSchemaValidation?: boolean;
  disableExecuteApiEndpoint?: boolean;
  tags?: Record<string, string>;
  stage: string;
  variables?: Record<string, string>;
  models?: Record<
    string,
    { schema: Record<string, unknown> | string; contentType?: string; description?: string }
  >;
  authorizers?: Record<
    string,
    {
      authorizerType?: string;
      authorizerUri?: string;
      identitySource?: string[];
      authorizerCredentialsArn?: string;
      authorizerResultTtlInSeconds?: number;
    }
  >;
  routes: Record<string, WebSocketRouteConfig>;
}
