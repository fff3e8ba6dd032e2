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
  /** On connect and refused: whether the `$connect` integration was called (AWS's ConnectCount). */
  readonly integrated?: boolean;
}

export interface WsMessageMessage {
  readonly apiId: string;
  readonly stage: string;
  readonly connectionId: string;
  readonly routeKey: string | undefined;
  /**
   * ok; client-error: refused before its integration (no route, throttled, quota); integration-error:
   * the integration answered 4xx/5xx; execution-error: it could not be called or did not answer.
   */
  readonly outcome: "ok" | "client-error" | "integration-error" | "execution-error";
  readonly integrationLatencyMs: number;
}

export const wsConnections = channel("portico:websocket:connection");
export const wsMessages = channel("portico:websocket:message");
