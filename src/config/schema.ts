/** The config file's JSON Schema: every field described (the docs come from here); unknown keys are errors. */

import { DOMAINS_SCHEMA, type DomainConfig } from "./domain-schema.ts";
import { NETWORKS_SCHEMA, type NetworkConfig, ROLES_SCHEMA, type RoleConfig } from "./iam-schema.ts";
import {
  ACCESS_LOGS_SCHEMA,
  type AccessLogsConfig,
  EXECUTION_LOGS_SCHEMA,
  type ExecutionLogsConfig,
} from "./logging-schema.ts";
import { METRICS_SCHEMA, type MetricsConfig } from "./metrics-schema.ts";
import { apiId, stageVariables, stringMap } from "./schema-parts.ts";
import { SERVICES_SCHEMA, type ServiceConfig } from "./services-schema.ts";
import { TEMPLATE_API_SCHEMA, type TemplateApiConfig } from "./template-api-schema.ts";
import { LISTEN_HTTP_SCHEMA, LISTEN_TLS_SCHEMA, type ListenTlsConfig } from "./tls-schema.ts";
import { WEBSOCKET_API_SCHEMA, type WebSocketApiConfig } from "./websocket-api-schema.ts";
import { WEBSOCKET_SETTINGS_SCHEMA } from "./websocket-settings-schema.ts";
import { WSDL_API_SCHEMA, type WsdlApiConfig } from "./wsdl-api-schema.ts";

/** An `apis:` entry importing an OpenAPI document (REST or HTTP API). */
const OPENAPI_API_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["openapi"],
  properties: {
    openapi: { type: "string", description: "OpenAPI file, relative to this file." },
    type: {
      enum: ["REST", "HTTP", "WEBSOCKET"],
      description: "REST (default) or HTTP; WEBSOCKET APIs are declared inline, without openapi.",
    },
    stage: {
      type: "string",
      pattern: "^([A-Za-z0-9_-]{1,128}|\\$default)$",
      description: "Stage to deploy to (REST default dev, HTTP default $default).",
    },
    variables: stageVariables,
    id: apiId,
    description: { type: "string", description: "Deployment description." },
  },
} as const;

export const CONFIG_SCHEMA = {
  type: "object",
  additionalProperties: false,
  properties: {
    region: {
      type: "string",
      pattern: "^[a-z]{2}(-[a-z]+)+-\\d$",
      description: "AWS region the gateway answers as (default us-east-1).",
    },
    accountId: {
      type: "string",
      pattern: "^\\d{12}$",
      description: "12-digit AWS account id used in ARNs (default 000000000000).",
    },
    listen: {
      type: "object",
      additionalProperties: false,
      description: "Where the listeners bind.",
      properties: {
        port: { type: "integer", minimum: 0, maximum: 65535, description: "Data-plane port (default 8080)." },
        host: { type: "string", description: "Data-plane address (default 0.0.0.0)." },
        http: LISTEN_HTTP_SCHEMA,
        tls: LISTEN_TLS_SCHEMA,
        adminPort: {
          type: "integer",
          minimum: 0,
          maximum: 65535,
          description: "Admin API port (default 8081).",
        },
        adminHost: { type: "string", description: "Admin API address (default 127.0.0.1: loopback only)." },
        publicUrl: {
          type: "string",
          description:
            "How clients reach the data plane, e.g. behind a load balancer: a URL template whose host starts with {apiId}. ({region} allowed), e.g. https://{apiId}.api.example.com; ApiEndpoint and printed URLs use it, and such hosts are served (default http://{apiId}.execute-api.{region}.localhost:{port}).",
        },
        adminBodyBudgetBytes: {
          type: "integer",
          minimum: 1,
          description:
            "Bytes of admin request bodies held at once, across requests (default 64 MiB); beyond it: 429.",
        },
        headersTimeoutMs: {
          type: "integer",
          minimum: 1,
          description:
            "A request's headers must arrive within this many ms of its first byte (default 10000); else 408.",
        },
        requestTimeoutMs: {
          type: "integer",
          minimum: 1,
          description:
            "A whole request, body included, must arrive within this many ms (default 60000); else 408.",
        },
        keepAliveTimeoutMs: {
          type: "integer",
          minimum: 1,
          description: "An idle keep-alive connection is closed after this many ms (default 65000).",
        },
        maxConnections: {
          type: "integer",
          minimum: 1,
          description:
            "Connections held at once per listener (default 10000); beyond it new ones are closed.",
        },
        drainTimeoutMs: {
          type: "integer",
          minimum: 0,
          description:
            "On SIGTERM/SIGINT/SIGHUP, in-flight requests and WebSocket messages may finish for this many ms (default 25000).",
        },
        maxInFlight: {
          type: "integer",
          minimum: 1,
          description: "Data-plane requests served at once on this node (default 10000); beyond it: 503.",
        },
        maxPendingPerConnection: {
          type: "integer",
          minimum: 1,
          description: "Pipelined requests one connection may have waiting (default 32); beyond it: 429.",
        },
        memoryWatermarkBytes: {
          type: "integer",
          minimum: 1,
          description:
            "JS heap plus Buffers above which new data-plane requests get 503 (default 90% of the heap limit).",
        },
      },
    },
    dataDir: {
      type: "string",
      description:
        "Directory of the durable state store; relative to this file (default .portico/ beside it).",
    },
    inMemory: { type: "boolean", description: "Keep the state in memory: lost when Portico stops." },
    metrics: METRICS_SCHEMA,
    websocket: WEBSOCKET_SETTINGS_SCHEMA,
    redis: { type: "string", pattern: "^rediss?://", description: "Redis URL for shared scale-out state." },
    credentials: {
      type: "array",
      description:
        "Access keys accepted by the admin API (and IAM auth); when present they replace test/test.",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["accessKeyId", "secretAccessKey"],
        properties: {
          accessKeyId: { type: "string", minLength: 1, description: "The access key id." },
          secretAccessKey: { type: "string", minLength: 1, description: "The secret access key." },
          principal: {
            type: "string",
            pattern: "^arn:aws:(iam|sts)::",
            description: "IAM user or role ARN the key stands for.",
          },
          policies: {
            type: "array",
            items: { type: "object" },
            description: "IAM identity policy documents.",
          },
          tags: { ...stringMap, description: "Principal tags (aws:PrincipalTag/*)." },
        },
      },
    },
    functions: {
      type: "object",
      description: "Lambda functions by name.",
      additionalProperties: {
        type: "object",
        additionalProperties: false,
        anyOf: [{ required: ["handler"] }, { required: ["remote"] }],
        properties: {
          handler: {
            type: "string",
            pattern: "^[^\\s]+\\.[A-Za-z_$][\\w$]*$",
            description: "path/file.exportName, relative to this file.",
          },
          timeout: { type: "integer", minimum: 1, maximum: 900, description: "Seconds (default 3)." },
          memorySize: { type: "integer", minimum: 128, maximum: 10240, description: "MB (default 128)." },
          environment: { ...stringMap, description: "Environment variables." },
          reservedConcurrency: {
            type: "integer",
            minimum: 1,
            maximum: 1000,
            description: "Most execution environments (worker threads) at once (default 4).",
          },
          runtime: { type: "string", description: "Runtime name, e.g. nodejs24.x." },
          remote: {
            type: "object",
            additionalProperties: false,
            required: ["endpoint"],
            description: "Invoke a remote Lambda Invoke API instead of a local handler.",
            properties: {
              endpoint: { type: "string", description: "Lambda API endpoint URL." },
              region: { type: "string", description: "Signing region." },
              functionName: { type: "string", description: "Remote function name (default: this key)." },
            },
          },
        },
      },
    },
    services: SERVICES_SCHEMA,
    roles: ROLES_SCHEMA,
    networks: NETWORKS_SCHEMA,
    accountThrottle: {
      type: "object",
      additionalProperties: false,
      description: "The account-level throttle shared by every API (AWS: 10,000 rps, burst 5,000).",
      properties: {
        rateLimit: {
          type: "number",
          minimum: -1,
          description: "Requests per second (default 10000); -1 for no account limit.",
        },
        burstLimit: {
          type: "integer",
          minimum: -1,
          description: "Bucket size (default 5000); -1 for no limit.",
        },
      },
    },
    trafficFailMode: {
      enum: ["open", "closed"],
      description:
        "With --redis: admit (open, default) or refuse (closed) requests while Redis is unreachable.",
    },
    cacheEncryptionKey: {
      type: "string",
      minLength: 16,
      description:
        "With --redis: the secret that encrypts cache entries of methods with caching/dataEncrypted.",
    },
    trustedProxies: {
      type: "array",
      description:
        "CIDRs of proxies in front of the gateway whose X-Forwarded-For and VPC endpoint header are believed.",
      items: { type: "string" },
    },
    vpceHeader: {
      type: "string",
      pattern: "^[A-Za-z0-9-]+$",
      description: "Header a trusted proxy uses to name the VPC endpoint (default x-amzn-vpce-id).",
    },
    accessLogs: ACCESS_LOGS_SCHEMA,
    executionLogs: EXECUTION_LOGS_SCHEMA,
    apis: {
      type: "array",
      description: "APIs imported (or, WEBSOCKET, declared) and deployed at start.",
      items: {
        if: { type: "object", required: ["type"], properties: { type: { const: "WEBSOCKET" } } },
        // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then/else, never awaited
        then: WEBSOCKET_API_SCHEMA,
        else: {
          if: { type: "object", required: ["wsdl"] },
          // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then/else, never awaited
          then: WSDL_API_SCHEMA,
          else: {
            if: { type: "object", required: ["template"] },
            // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then/else, never awaited
            then: TEMPLATE_API_SCHEMA,
            else: OPENAPI_API_SCHEMA,
          },
        },
      },
    },
    domains: DOMAINS_SCHEMA,
  },
} as const;

export interface CredentialConfig {
  accessKeyId: string;
  secretAccessKey: string;
  principal?: string;
  policies?: Record<string, unknown>[];
  tags?: Record<string, string>;
}

export interface FunctionConfig {
  /** Absent when the function is `remote`. */
  handler?: string;
  timeout?: number;
  memorySize?: number;
  environment?: Record<string, string>;
  reservedConcurrency?: number;
  runtime?: string;
  remote?: { endpoint: string; region?: string; functionName?: string };
}

export interface OpenApiConfig {
  openapi: string;
  type?: "REST" | "HTTP";
  stage?: string;
  variables?: Record<string, string>;
  id?: string;
  description?: string;
}

export type { NetworkConfig, RoleConfig } from "./iam-schema.ts";
export type { ServiceConfig } from "./services-schema.ts";
export type { TemplateApiConfig } from "./template-api-schema.ts";
export type { WebSocketApiConfig } from "./websocket-api-schema.ts";
export type { WsdlApiConfig } from "./wsdl-api-schema.ts";
export type ApiConfig = OpenApiConfig | WsdlApiConfig | WebSocketApiConfig | TemplateApiConfig;

/**
 * An API of the config file as the gateway applies it at start: its type resolved (REST unless said),
 * and where the file declares it (`file:line:col: apis[i]`), for the refusals.
 */
export type DeclaredApi = (
  | (OpenApiConfig & {
      type: "REST" | "HTTP";
      /** The document itself, when it comes from a template rather than a file (`openapi` then names it). */
      documentText?: string;
      /** Imported, not deployed: a template's API with no stage. */
      undeployed?: boolean;
    })
  | (WsdlApiConfig & { type: "REST" })
  | WebSocketApiConfig
) & {
  declaredAt?: string;
};

/** The config file's `websocket:` section. */
export interface WebSocketSettings {
  idleTimeoutMs?: number;
  maxDurationMs?: number;
  pingIntervalMs?: number;
  maxFrameBytes?: number;
  maxBufferedBytes?: number;
  maxInFlightMessages?: number;
  heartbeatTtlMs?: number;
}

export interface PorticoConfig {
  region?: string;
  accountId?: string;
  listen?: {
    port?: number;
    host?: string;
    adminPort?: number;
    adminHost?: string;
    publicUrl?: string;
    adminBodyBudgetBytes?: number;
    headersTimeoutMs?: number;
    requestTimeoutMs?: number;
    keepAliveTimeoutMs?: number;
    maxConnections?: number;
    drainTimeoutMs?: number;
    maxInFlight?: number;
    maxPendingPerConnection?: number;
    memoryWatermarkBytes?: number;
    http?: boolean;
    tls?: ListenTlsConfig;
  };
  dataDir?: string;
  inMemory?: boolean;
  metrics?: MetricsConfig;
  redis?: string;
  websocket?: WebSocketSettings;
  credentials?: CredentialConfig[];
  functions?: Record<string, FunctionConfig>;
  services?: Record<string, ServiceConfig>;
  roles?: RoleConfig[];
  networks?: Record<string, NetworkConfig>;
  trustedProxies?: string[];
  vpceHeader?: string;
  accountThrottle?: { rateLimit?: number; burstLimit?: number };
  trafficFailMode?: "open" | "closed";
  cacheEncryptionKey?: string;
  accessLogs?: AccessLogsConfig;
  executionLogs?: ExecutionLogsConfig;
  apis?: ApiConfig[];
  domains?: DomainConfig[];
}
