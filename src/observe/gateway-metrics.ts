import type { Channel } from "node:diagnostics_channel";
import {
  type CacheMessage,
  cacheLookups,
  type RequestDoneMessage,
  requestsDone,
  type TrafficRefusalMessage,
  trafficRefusals,
} from "../gateway/channels.ts";
import type { RequestContext } from "../gateway/context.ts";
import {
  type WsConnectionMessage,
  type WsMessageMessage,
  wsConnections,
  wsMessages,
} from "../websocket/channels.ts";
import type { CompiledWsStage } from "../websocket/compiled.ts";
import { HttpMetrics } from "./http-metrics.ts";
import { MetricsRegistry } from "./prometheus-registry.ts";
import { RestMetrics } from "./rest-metrics.ts";
import { TrafficMetrics } from "./traffic-metrics.ts";
import { WebSocketMetrics } from "./websocket-metrics.ts";

/** What the metrics need to know of the gateway they count for. */
export interface MetricsSources {
  /**
   * Whether a request is this gateway's: the channels are process-wide, and two gateways in one
   * process (tests) must not count each other's traffic.
   */
  ownsContext(ctx: RequestContext): boolean;
  /** The same for a finished request, which has no context when no route matched. */
  ownsRequest(m: RequestDoneMessage): boolean;
  /** A deployed REST API's name (the control plane keeps them), for the ApiName label. */
  restApiName(apiId: string): string | undefined;
  /** A deployed WebSocket stage of this gateway: its routes' detailed-metrics settings. */
  webSocketStage(apiId: string, stageName: string): CompiledWsStage | undefined;
  /** With Redis: how many decisions were made while it was unreachable. */
  redisUnavailable?: () => number;
}

export interface GatewayMetrics {
  readonly registry: MetricsRegistry;
  /** Unsubscribes from the channels. */
  stop(): void;
}

/**
 * Subscribes a gateway's metrics to what the pipeline publishes (gateway/channels.ts,
 * websocket/channels.ts): the pipeline never calls them, and publishes only while someone listens.
 */
export function startMetrics(sources: MetricsSources): GatewayMetrics {
  const registry = new MetricsRegistry();
  const rest = new RestMetrics(registry, sources.restApiName);
  const http = new HttpMetrics(registry);
  const traffic = new TrafficMetrics(registry, sources.redisUnavailable);
  const websocket = new WebSocketMetrics(registry, sources.webSocketStage);
  const subscriptions: [Channel, (m: unknown) => void][] = [];
  const on = (channel: Channel, listener: (m: unknown) => void) => {
    channel.subscribe(listener);
    subscriptions.push([channel, listener]);
  };
  on(requestsDone, (message) => {
    const m = message as RequestDoneMessage;
    if (m.api === undefined || !sources.ownsRequest(m)) return;
    if (m.api.apiType === "REST") rest.request(m);
    else http.request(m);
  });
  on(cacheLookups, (message) => {
    const m = message as CacheMessage;
    if (sources.ownsContext(m.ctx)) rest.cache(m);
  });
  on(trafficRefusals, (message) => {
    const m = message as TrafficRefusalMessage;
    if (sources.ownsContext(m.ctx)) traffic.refusal(m);
  });
  on(wsConnections, (message) => websocket.connection(message as WsConnectionMessage));
  on(wsMessages, (message) => websocket.message(message as WsMessageMessage));
  return {
    registry,
    stop() {
      for (const [channel, listener] of subscriptions.splice(0)) channel.unsubscribe(listener);
    },
  };
}
