import type { ValidateFunction } from "ajv-draft-04";
import type { JWTPayload } from "jose";
import type { ApiKeyIndex, KeyEntry } from "../auth/api-key-index.ts";
import type { CredentialStore, StoredPrincipal } from "../auth/iam/credential-store.ts";
import type { Networks } from "../auth/policy/networks.ts";
import type { ClientCert } from "../http/client-cert.ts";
import type { Inbound, Reply } from "../http/inbound.ts";
import type { RouteCachePolicy } from "../traffic/route-traffic.ts";
import type { Bucket, TrafficBackend } from "../traffic/traffic-backend.ts";
import type { GatewayResponse, GatewayResponseType } from "./responses/catalogue.ts";
import type { RouteTree } from "./route-tree.ts";

/**
 * What the data plane serves: deployments compiled into route tables once, at deploy time.
 * Every object here is immutable after compilation; a redeploy builds new ones and swaps the
 * table reference, so a request keeps the objects it started with.
 */

export type ApiType = "REST" | "HTTP";

/** Handles one matched request to the end: writes the response or a gateway response. */
export type IntegrationHandler = (ctx: RequestContext) => Promise<void>;

export interface CompiledRoute {
  /** `/pets/{id}` for REST resources; the route key for HTTP APIs. */
  readonly resourcePath: string;
  readonly resourceId: string;
  readonly httpMethod: string;
  readonly invoke: IntegrationHandler;
  /** `AWS_IAM` routes verify SigV4 before anything else. */
  readonly authorizationType?: string;
  /** REST methods that need a valid API key (`x-api-key`). */
  readonly apiKeyRequired?: boolean;
  /** CUSTOM methods: the Lambda authorizer to consult. */
  readonly authorizer?: AuthorizerCheck;
  /** HTTP API JWT routes: the token check and the scopes the route requires. */
  readonly jwt?: JwtCheck;
  readonly authorizationScopes?: readonly string[];
  /**
   * The buckets every request of this route takes from, narrowest first: the stage's throttle for the
   * method or route (its own settings, else the stage default), then the account's. Built at deploy time.
   */
  readonly buckets: readonly Bucket[];
  /** REST methods served from the stage cache. */
  readonly cache?: RouteCachePolicy;
  /** REST methods with a request validator: required parameters and the body's model. */
  readonly validation?: RequestValidation;
  /**
   * The AWS stages this route's requests go through before the cache and the integration, in AWS's
   * order, chosen at deploy time (gateway/chain.ts): a route carries only the steps it needs.
   */
  readonly steps: readonly Step[];
  /**
   * Per-method (REST `metricsEnabled`) or per-route (HTTP `detailedMetricsEnabled`) metrics, decided
   * at deploy time; without it the route's requests count only towards its stage.
   */
  readonly detailedMetrics?: boolean;
  /** REST methods' execution logging (`loggingLevel`, `dataTraceEnabled`), absent when off. */
  readonly logging?: RouteLogging;
}

/** A method's execution-log settings, resolved at deploy time from the stage's method settings. */
export interface RouteLogging {
  readonly level: "OFF" | "ERROR" | "INFO";
  /** `dataTraceEnabled`: the request and response are logged too (headers, the start of each body). */
  readonly dataTrace: boolean;
  /** Lower-cased header and query names the method's authorizer reads its token from: never logged. */
  readonly secretNames: readonly string[];
}

/** How much of each body a data trace keeps: AWS truncates execution-log events at 1024 bytes. */
export const DATA_TRACE_BYTES = 1024;

/**
 * What an access-log line is made of: a finished request as `portico:request` publishes it
 * (gateway/channels.ts `RequestDoneMessage` is one).
 */
export interface FinishedRequest {
  readonly requestId: string;
  readonly extendedRequestId: string;
  readonly req: Inbound;
  readonly startMs: number;
  readonly latencyMs: number;
  readonly ctx?: RequestContext;
  readonly statusCode: number;
  readonly responseBytes: number;
  readonly gatewayResponse?: GatewayResponse;
}

/**
 * A stage's access log (`accessLogSettings`): where its lines go and its format, compiled at deploy
 * time into one function of the finished request. The pipeline never calls it; observe/ does.
 */
export interface StageAccessLog {
  readonly destinationArn: string;
  readonly format: string;
  /** One line, without the newline. */
  line(done: FinishedRequest): string;
}

export interface CompiledStage {
  readonly apiId: string;
  readonly apiType: ApiType;
  readonly stageName: string;
  readonly deploymentId: string;
  readonly variables: Readonly<Record<string, string>>;
  /** `$context.isCanaryRequest`: set only on a stage with a canary, true on the canary's release. */
  readonly isCanaryRequest?: boolean;
  /** A REST stage's canary release, served to `percentTraffic` percent of requests (resolve.ts picks). */
  readonly canary?: { readonly percentTraffic: number; readonly release: CompiledStage };
  readonly routes: RouteTree<CompiledRoute>;
  /** HTTP APIs' `$default` route, tried when no other route matches. */
  readonly defaultRoute?: CompiledRoute;
  readonly responses: Readonly<Record<GatewayResponseType, GatewayResponse>>;
  /** Access decisions (resource policy, identity policies) run after routing when needed. */
  readonly access?: AccessCheck;
  /** Whether the deployment has a resource policy (anonymous calls are checked too). */
  readonly hasPolicy: boolean;
  /** Where API keys come from: the `x-api-key` header, or a Lambda authorizer's `usageIdentifierKey`. */
  readonly apiKeySource?: "HEADER" | "AUTHORIZER";
  /** EDGE-optimised REST APIs: requests carry CloudFront's headers. */
  readonly edge?: boolean;
  /** PRIVATE endpoint APIs: only traffic from a configured VPC endpoint network, and a policy is required. */
  readonly privateEndpoint?: { readonly networks: Networks | undefined };
  /** SigV4 verification for AWS_IAM routes. */
  readonly iam?: IamAuthority;
  /** The API-key index for `apiKeyRequired` methods. */
  readonly apiKeys?: ApiKeyIndex;
  readonly traffic?: TrafficBackend;
  /**
   * REST stages with `tracingEnabled` (X-Ray, which AWS offers for REST APIs only): their requests'
   * start, steps and integration are published for tracers (channels.ts); other stages publish none.
   */
  readonly tracingEnabled?: boolean;
  /** `accessLogSettings` with both a destination and a format: this stage's requests are access-logged. */
  readonly accessLog?: StageAccessLog;
  /**
   * The deployment's `disableExecuteApiEndpoint`: requests that name the API by its id (execute-api
   * hosts, the public URL's, path style) are refused; its custom domains still serve it.
   */
  readonly defaultEndpointDisabled?: boolean;
}

export interface CompiledApi {
  readonly apiId: string;
  readonly apiType: ApiType;
  readonly stages: ReadonlyMap<string, CompiledStage>;
  /** Every stage's deployment disables the default endpoint: a stage it does not name is refused too. */
  readonly defaultEndpointDisabled?: boolean;
}

/** How a custom domain chose a request's API (gateway/custom-domains.ts). */
export interface CustomDomainFacts {
  /** The domain name as created (a wildcard's `*.example.com`). */
  readonly domainName: string;
  /** The mapping's base path, "" for the root: `$context.customDomain.basePathMatched`. */
  readonly basePath: string;
  /** The path as received (dot segments resolved, no query): the events' and `$context.path`. */
  readonly requestPath: string;
}

export interface ListenerInfo {
  readonly protocol: "http" | "https";
  readonly port: number;
}

export interface RequestContext {
  readonly req: Inbound;
  readonly res: Reply;
  readonly requestId: string;
  readonly extendedRequestId: string;
  readonly startMs: number;
  readonly stage: CompiledStage;
  readonly route: CompiledRoute;
  /** The request path below the stage (or the custom domain's base path), as received (`/pets/1`). */
  readonly path: string;
  /** Set when the request came by a custom domain: its path fields show the whole path received. */
  readonly customDomain: CustomDomainFacts | undefined;
  /** The query string without `?`; empty when there is none. */
  readonly rawQuery: string;
  readonly pathParams: Readonly<Record<string, string>>;
  readonly clientIp: string;
  /** The VPC endpoint a trusted proxy named (`aws:SourceVpce`), over the configured networks. */
  readonly sourceVpce?: string;
  readonly listener: ListenerInfo;
  /**
   * The client certificate, on a request to a domain that requires mutual TLS (read once per
   * connection, on the HTTPS listener only): `$context.identity.clientCert`, events' `clientCert`.
   */
  readonly clientCert?: ClientCert;
  /** The request body as text, once an integration has read it (for `method.request.body` mappings). */
  bodyText?: string;
  /** `X-Amzn-Trace-Id` towards the integration, once made (gateway/trace-header.ts). */
  traceId?: string;
  /**
   * The gateway's span for this request, when a tracer traces it (set by the tracer as the request
   * starts, on `portico:request:start`): the trace the integration is told about.
   */
  traceSpan?: TraceSpan;
  /** The step span open now (the authorizer, the integration), set and cleared by the tracer. */
  stepSpan?: TraceSpan;
  /** What a Lambda authorizer returned: `principalId` and its context, for events and templates. */
  authorizer?: Record<string, unknown>;
  /** The API key a Lambda authorizer chose (`usageIdentifierKey`), for `apiKeySource: AUTHORIZER`. */
  usageIdentifierKey?: string;
  /** The API key that passed the check on an `apiKeyRequired` method: its usage plan throttles and counts. */
  apiKey?: KeyEntry;
  /** The caller IAM authenticated, for cache invalidation rights. */
  caller?: StoredPrincipal;
  /** The integration's part, as integrations record it (integration-timing.ts): `$context.integration.*`. */
  integration?: IntegrationFacts;
  /** Why the gateway is answering with a 5xx of its own, once a failure path knows (gateway/failure.ts). */
  failure?: FailureCause;
}

/**
 * Why the gateway answered a request with a 5xx of its own: recorded on the request where the
 * failure is known (an integration, an authorizer, the data plane), read once the 5xx is written —
 * by the operational log (one line per failed request, observe/failure-log.ts), the stage's execution
 * log and test-invoke's log. Only failure paths build one; a request that succeeds records nothing.
 */
export interface FailureCause {
  /**
   * What AWS's execution log says for it (`Execution failed due to configuration error: Invalid
   * endpoint address`, `Lambda execution failed with status 200 due to customer function error: …`),
   * with Portico's own reason after AWS's phrase where AWS's words would not say which part is wrong.
   */
  readonly reason: string;
  /** A function's failure as Lambda reports it (its error, or only its name when it is not declared). */
  readonly function?: {
    readonly name: string;
    readonly errorType?: string;
    readonly errorMessage?: string;
    readonly stackTrace?: readonly string[];
  };
  /** A backend that could not be called or did not answer: where (no query, no credentials) and why. */
  readonly backend?: {
    readonly url: string;
    readonly code?: string;
    readonly address?: string;
    readonly message: string;
  };
  /** The integration timeout that ran out. */
  readonly timeoutMs?: number;
  /** A template's or the gateway's own error (its stack is kept for the operational log only). */
  readonly error?: unknown;
}

/** A span as W3C Trace Context and X-Ray carry it to the next hop. */
export interface TraceSpan {
  /** 32 lower-case hex digits. */
  readonly traceId: string;
  /** 16 lower-case hex digits. */
  readonly spanId: string;
  readonly sampled: boolean;
  /** The W3C `tracestate` the trace carries, when there is one. */
  readonly traceState?: string;
}

/** When the integration was called and what it answered (AWS's IntegrationLatency, integrationStatus). */
export interface IntegrationFacts {
  /** `performance.now()` when the request was relayed to the backend. */
  readonly startedAt: number;
  latencyMs?: number;
  /** The backend's HTTP status, or the function's (200, or the proxy result's statusCode). */
  status?: number;
  /** Why the integration failed, when it did (`$context.integrationErrorMessage`). */
  error?: string;
}

// ---- Signatures of the checks a compiled route carries (built in auth/ and gateway/) ----

export type JwtCheck = (
  ctx: RequestContext,
  scopes: readonly string[] | undefined,
) => Promise<JwtOutcome | GatewayResponse>;

export interface JwtOutcome {
  allowed: true;
  claims: JWTPayload;
  scopes: string[];
}

export interface AuthorizerOutcome {
  allowed: true;
  principalId: unknown;
  /** REST: primitives only; HTTP APIs: any JSON values, maps and arrays included. */
  context: Readonly<Record<string, unknown>>;
  usageIdentifierKey?: string;
  cached: boolean;
  /** What integrations see as `requestContext.authorizer`. */
  value: Record<string, unknown>;
}

export type AuthorizerCheck = (
  ctx: RequestContext,
  methodArn: string,
) => Promise<AuthorizerOutcome | GatewayResponse>;

export type AccessCheck = (
  ctx: RequestContext,
  caller: StoredPrincipal | undefined,
  /**
   * `explicitDenyOnly`: the phase before a Lambda authorizer runs, which refuses only an explicit
   * deny; the authorizer's own policy then stands in for the identity policy (AWS's Table A).
   * `endpoint`: the VPC endpoint's policy alone, for a private API's request through one.
   */
  phase?: "explicitDenyOnly" | "endpoint",
  /** `execute-api:Invoke` unless asked otherwise (`execute-api:InvalidateCache`). */
  action?: string,
  /** Told, in one line, which policy decided (the decision trace). */
  explain?: (line: string) => void,
) => GatewayResponse | undefined;

export interface IamAuthority {
  readonly credentials: CredentialStore;
  readonly region: string;
  readonly accountId: string;
}

export interface RequestValidation {
  readonly headers: readonly string[];
  readonly path: readonly string[];
  readonly querystring: readonly string[];
  /** Lower-cased content type (or `$default`) → the model's validator. */
  readonly models?: ReadonlyMap<string, ValidateFunction>;
}

/** What a step answers: nothing (go on), a refusal already rendered by the stage's responses, or a promise of either. */
export type StepOutcome = GatewayResponse | undefined | Promise<GatewayResponse | undefined>;

export type StepName =
  | "private-endpoint"
  | "endpoint-policy"
  | "iam"
  | "resource-policy"
  | "authorizer"
  | "api-key"
  | "throttle"
  | "validate-request";

/** What tracers see as a request's steps: the route's steps, then the cache lookup and the integration. */
export type TracedStepName = StepName | "cache" | "integration";

/**
 * One AWS stage of the request path. `trace` collects one line per authorization step when someone
 * asked why (test-invoke, the debug log); steps write nothing when it is absent.
 */
export interface Step {
  readonly name: StepName;
  run(ctx: RequestContext, trace: string[] | undefined): StepOutcome;
}
