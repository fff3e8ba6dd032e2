import { channel } from "node:diagnostics_channel";
import type { Inbound, Reply } from "../http/inbound.ts";
import type {
  ApiType,
  CompiledApi,
  CompiledStage,
  ListenerInfo,
  RequestContext,
  TracedStepName,
} from "./context.ts";
import type { GatewayResponse } from "./responses/catalogue.ts";

/**
 * What the data plane tells observers, on `node:diagnostics_channel` (as undici's core does): the
 * pipeline publishes, `observe/` subscribes, and nothing in the pipeline knows who listens. Publishing
 * is guarded by `hasSubscribers`, so with nobody listening it costs one property read.
 */

/** A request refused by throttling or its usage plan's quota. */
export interface TrafficRefusalMessage {
  readonly ctx: RequestContext;
  readonly type: "THROTTLED" | "QUOTA_EXCEEDED";
}

/** A request to a method with caching enabled, served from the cache or by the integration. */
export interface CacheMessage {
  readonly ctx: RequestContext;
  readonly outcome: "hit" | "miss";
}

export const trafficRefusals = channel("portico:traffic-refusal");
export const cacheLookups = channel("portico:cache");

/**
 * A request the data plane answered (or whose client went away), published once its response is
 * finished: what metrics, access logs and execution logs are made from. `ctx` is there when a route
 * matched; `api` when at least the API and stage were known (AWS counts those requests too).
 */
export interface RequestDoneMessage {
  readonly requestId: string;
  readonly extendedRequestId: string;
  readonly req: Inbound;
  readonly res: Reply;
  /** Epoch ms the request arrived. */
  readonly startMs: number;
  /** From arrival to the last byte handed to the socket, in ms (AWS's Latency). */
  readonly latencyMs: number;
  readonly api?: { readonly apiId: string; readonly apiType: ApiType; readonly stageName: string };
  readonly ctx?: RequestContext;
  readonly statusCode: number;
  /** Bytes of the response body written. */
  readonly responseBytes: number;
  /** The gateway's own answer, when the gateway answered (a refusal or an integration failure). */
  readonly gatewayResponse?: GatewayResponse;
  /** The client went away before the response was finished. */
  readonly aborted: boolean;
  /** The compiled stage, when the API and stage were known (its access log, even without a route). */
  readonly stage?: CompiledStage;
  /** The listener that served it: observers in one process tell their gateway's requests apart by it. */
  readonly listener?: ListenerInfo;
  /** The first DATA_TRACE_BYTES of the response body, kept only for methods with `dataTraceEnabled`. */
  readonly responseBody?: Buffer;
  /** The response's headers, kept only for methods with `dataTraceEnabled`. */
  readonly responseHeaders?: Readonly<Record<string, string | string[]>>;
}

export const requestsDone = channel("portico:request");

/**
 * Tracing (stages with `tracingEnabled` only; every other request publishes none of these). A
 * request's start, once its route is known; each step's start and end (the route's steps, the cache
 * lookup, the integration), published with the same message object so a tracer can pair them; the
 * request's end is its `portico:request`. A tracer may set `ctx.traceSpan`/`ctx.stepSpan` while
 * handling a start: integrations then tell the next hop that span (trace-context.ts).
 */
export interface RequestStartMessage {
  readonly ctx: RequestContext;
}

export interface StepMessage {
  readonly ctx: RequestContext;
  readonly step: TracedStepName;
  /** Set before the end is published: the refusal the step answered with. */
  refusal?: GatewayResponse;
  /** Set before the end is published: what the step threw or rejected with. */
  error?: unknown;
  /** The cache lookup's result (`hit`, `miss`, `refresh`). */
  outcome?: string;
}

export const requestStarts = channel("portico:request:start");
export const stepStarts = channel("portico:step:start");
export const stepEnds = channel("portico:step:end");

/** An API's compiled stages swapped into a data plane (a deploy, a stage update, a start). */
export interface ApiInstalledMessage {
  readonly api: CompiledApi;
}

export const apisInstalled = channel("portico:api-installed");

/**
 * A 5xx the gateway itself answered a matched request with (an integration that failed, a function
 * error, a timeout, a template or configuration error, an internal error), published as it is
 * written, with the cause on `ctx.failure`. Not published for a backend's or a function's own 5xx
 * relayed as their answer, nor for the overload guard's 503s. Only failing requests publish it.
 */
export interface GatewayFailureMessage {
  readonly ctx: RequestContext;
  readonly response: GatewayResponse;
}

export const gatewayFailures = channel("portico:failure");
