import { channel } from "node:diagnostics_channel";
import type { RequestContext } from "./context.ts";

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
