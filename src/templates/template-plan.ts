import type { FunctionConfig, WebSocketApiConfig } from "../config/schema.ts";

/**
 * What a template (SAM, CloudFormation, serverless.yml) asks of the gateway once every format is
 * brought to CloudFormation and its intrinsics resolved: the functions to run, the APIs to import
 * and deploy, the usage plans and keys. The readers produce it; control/ applies it, as
 * CloudFormation would call API Gateway's operations.
 */
export interface TemplatePlan {
  /** Functions by the name their integration URIs use (FunctionName, else the logical id). */
  functions: Record<string, FunctionConfig>;
  apis: PlannedApi[];
  apiKeys: PlannedApiKey[];
  usagePlans: PlannedUsagePlan[];
  /** Custom domain names with their API mappings (applied as the config file's `domains:`). */
  domains?: PlannedDomain[];
  /** Each unsupported resource or property, once, by logical id and path. */
  warnings: TemplateNotice[];
}

/** A resource or property the readers did not carry over: `Resources.Queue.Type`, say. */
export interface TemplateNotice {
  logicalId: string;
  /** Where in the template, dotted: `Resources.MyApi.Properties.MinimumCompressionSize`. */
  path: string;
  message: string;
}

/** A REST or HTTP API as an OpenAPI (or Swagger) document with the `x-amazon-apigateway-*` extensions. */
export interface PlannedDocumentApi {
  type: "REST" | "HTTP";
  logicalId: string;
  /** The API id: stable for the same stack and logical id, so a restart updates rather than copies. */
  id: string;
  /** The document, as ImportRestApi / ImportApi take it. */
  document: Record<string, unknown>;
  stages: PlannedStage[];
}

export interface PlannedStage {
  name: string;
  variables?: Record<string, string>;
  description?: string;
  /** REST only. */
  cacheClusterEnabled?: boolean;
  cacheClusterSize?: string;
  tracingEnabled?: boolean;
  /**
   * REST method settings keyed as AWS's stage keys them: `{resourcePath}/{httpMethod}` with the
   * path's slashes as `~1` (`~1pets/GET`), `*` + `/*` for all; values in the stage's field names
   * (`cachingEnabled`, `cacheTtlInSeconds`, `throttlingBurstLimit`, `throttlingRateLimit`,
   * `metricsEnabled`, `loggingLevel`, `dataTraceEnabled`, `requireAuthorizationForCacheControl`).
   */
  methodSettings?: Record<string, Record<string, unknown>>;
  /** HTTP APIs: `{burstLimit, rateLimit}` for every route (DefaultRouteSettings). */
  defaultRouteThrottle?: { burstLimit?: number; rateLimit?: number };
  accessLog?: { destinationArn: string; format: string };
}

/** A WebSocket API, in the config file's declaration (apigatewayv2's field names). */
export interface PlannedWebSocketApi {
  type: "WEBSOCKET";
  logicalId: string;
  config: WebSocketApiConfig;
}

export type PlannedApi = PlannedDocumentApi | PlannedWebSocketApi;

export interface PlannedApiKey {
  logicalId: string;
  name?: string;
  description?: string;
  /** The key itself; absent: one is generated (and kept across restarts by the logical id). */
  value?: string;
  enabled: boolean;
  /** The stages the key may call, by the planned API's logical id. */
  stageKeys: { apiLogicalId: string; stage: string }[];
}

export interface PlannedUsagePlan {
  logicalId: string;
  name: string;
  description?: string;
  apiStages: {
    apiLogicalId: string;
    stage: string;
    /** Per-method throttles: `{resourcePath}/{httpMethod}` → limits. */
    throttle?: Record<string, { burstLimit?: number; rateLimit?: number }>;
  }[];
  throttle?: { burstLimit?: number; rateLimit?: number };
  quota?: { limit: number; offset?: number; period: "DAY" | "WEEK" | "MONTH" };
  /** Keys by their logical id (UsagePlanKey resources, SAM's Auth.UsagePlan). */
  apiKeyLogicalIds: string[];
}

export interface PlannedDomain {
  logicalId: string;
  name: string;
  endpointType?: "REGIONAL" | "EDGE";
  securityPolicy?: "TLS_1_0" | "TLS_1_2";
  certificateArn?: string;
  tags?: Record<string, string>;
  /** By the planned API's logical id; a REST mapping without a stage takes it from the path. */
  mappings: { apiLogicalId: string; basePath?: string; stage?: string }[];
}

/** A template that cannot be run: where, and why, in a sentence a user can act on. */
export class TemplateError extends Error {
  readonly path: string;
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = "TemplateError";
    this.path = path;
  }
}
