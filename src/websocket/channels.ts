import { channel } from "node:diagnostics_channel";

/**
 * What the WebSocket plane tells observers (the monitoring work turns these into AWS's WebSocket
 * metrics: ConnectCount, MessageCount, IntegrationError, ClientError, ExecutionError,
 * IntegrationLatency). Published only when someone subscribes.
 */
export interface WsConnectionMessage {
  readonly apiId: string;
  readonly stage: string;
  readonly connectionId: string;
  readonly event: "connect" | "refused" | "disconnect";
}

export interface WsMessageMessage {
  readonly apiId: string;
  readonly stage: string;
  readonly connectionId: string;
  readonly routeKey: string | undefined;
  /** ok; client-error: no route for it (or a 4xx); integration-error: the integration failed (5xx). */
  readonly outcome: "ok" | "client-error" | "integration-error";
  readonly integrationLatencyMs: number;
}

export const wsConnections = channel("portico:websocket:connection");
export const wsMessages = channel("portico:websocket:message");
