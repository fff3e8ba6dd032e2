import type { IncomingMessage } from "node:http";
import type { ApiKeyIndex } from "../auth/api-key-index.ts";
import type { FunctionLookup } from "../functions/function-registry.ts";
import type { IamAuthority } from "../gateway/context.ts";
import type { Upstreams } from "../integrations/upstreams.ts";
import type { WsLoggedEvent } from "../mapping/ws-access-log-variables.ts";
import type { Bucket, TrafficBackend } from "../traffic/traffic-backend.ts";

/** What a WebSocket route's integration is asked to do: one event of a connection. */
export interface WsInvocation {
  readonly eventType: "CONNECT" | "MESSAGE" | "DISCONNECT";
  readonly routeKey: string;
  readonly connectionId: string;
  readonly connectedAt: number;
  readonly requestId: string;
  readonly extendedRequestId: string;
  readonly startMs: number;
  readonly sourceIp: string;
  readonly userAgent: string;
  readonly domainName: string;
  /** `$connect` only: the upgrade request's headers (raw pairs) and query string. */
  readonly rawHeaders?: readonly string[];
  readonly rawQuery?: string;
  /** MESSAGE: the frame's data (text, or binary as base64 with isBase64Encoded). */
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
  readonly messageId?: string;
  readonly disconnectStatusCode?: number;
  readonly disconnectReason?: string;
  /** What the `$connect` authorizer allowed (`principalId` and its context), on every event of the connection. */
  readonly authorizer?: Record<string, unknown>;
}

/** What the integration answered: a status (for `$connect`, whether to accept) and a message back. */
export interface WsOutcome {
  readonly statusCode: number;
  /** Sent back to the client when the route is two-way (it has a `$default` route response). */
  readonly body?: string;
  /**
   * The integration could not be called or did not answer (timeout, unreachable, a template that
   * failed): AWS's ExecutionError, where an answer of 4xx/5xx is an IntegrationError.
   */
  readonly failed?: boolean;
  /** `body` is base64 to be sent as a binary frame (an integration response's CONVERT_TO_BINARY). */
  readonly binary?: boolean;
}

export interface CompiledWsRoute {
  readonly routeKey: string;
  /** `$connect` only: how the upgrade request must authenticate (NONE, AWS_IAM, CUSTOM). */
  readonly authorizationType: string;
  /** `$connect` with a Lambda REQUEST authorizer (CUSTOM). */
  readonly authorizer?: (
    req: IncomingMessage,
    stage: CompiledWsStage,
    connectionId: string,
  ) => Promise<
    | { readonly allowed: false; readonly status: number; readonly message: string }
    | {
        readonly allowed: true;
        readonly authorizer: Record<string, unknown>;
        /** The API key the authorizer named, for `$context.authorizer.usageIdentifierKey`. */
        readonly usageIdentifierKey?: string;
      }
  >;
  /** The route requires an API key (AWS checks it on `$connect`, from `apiKeySelectionExpression`). */
  readonly apiKeyRequired: boolean;
  /** Its stage throttle (if any), then the account's: narrowest first. */
  readonly buckets: readonly Bucket[];
  /** A route response exists: the integration's answer goes back to the client. */
  readonly twoWay: boolean;
  /** `detailedMetricsEnabled` in the route's settings (else the stage's defaults): per-route metrics. */
  readonly detailedMetrics?: boolean;
  readonly integrate: (event: WsInvocation, stage: CompiledWsStage) => Promise<WsOutcome>;
}

/** A stage's access log (`accessLogSettings` with both members), its format compiled at deploy time. */
export interface WsStageAccessLog {
  readonly destinationArn: string;
  readonly format: string;
  /** One event's line, without the newline. */
  line(event: WsLoggedEvent): string;
}

export interface CompiledWsStage {
  readonly apiId: string;
  readonly stageName: string;
  readonly deploymentId: string;
  readonly variables: Readonly<Record<string, string>>;
  /** The route key a message selects (`routeSelectionExpression` applied), or undefined (then `$default`). */
  readonly selectRoute: (body: string) => string | undefined;
  readonly routes: ReadonlyMap<string, CompiledWsRoute>;
  readonly accountId: string;
  readonly region: string;
  /** The deployment's `disableExecuteApiEndpoint`: only its custom domains reach it. */
  readonly defaultEndpointDisabled: boolean;
  /** Where `$connect` takes the API key from: `$request.header.x-api-key`, or the authorizer's usageIdentifierKey. */
  readonly apiKeySource: "HEADER" | "AUTHORIZER";
  readonly apiKeys?: ApiKeyIndex;
  readonly traffic?: TrafficBackend;
  /** Its events are access-logged (observe/ws-access-logs.ts reads it off the stage as deployed now). */
  readonly accessLog?: WsStageAccessLog;
}

export interface CompiledWsApi {
  readonly apiId: string;
  readonly stages: ReadonlyMap<string, CompiledWsStage>;
}

/** What compiling a WebSocket stage needs of the running gateway. */
export interface WsCompileDeps {
  readonly functions: FunctionLookup | undefined;
  readonly accountId: string;
  readonly region?: string;
  readonly iam?: IamAuthority;
  /** The keep-alive pools HTTP integrations share (one per backend origin). */
  readonly upstreams?: Upstreams;
  readonly apiKeys?: ApiKeyIndex;
  readonly traffic?: TrafficBackend;
  readonly accountBucket?: Bucket;
  /** Called when a stage has an access log: the log writers subscribe then. */
  readonly loggingWanted?: () => void;
}
