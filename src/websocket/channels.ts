import { channel } from "node:diagnostics_channel";
import type { WsLoggedEvent } from "../mapping/ws-access-log-variables.ts";
import type { CompiledWsStage } from "./compiled.ts";

/**
 * What the WebSocket plane tells observers (the monitoring work turns these into AWS's WebSocket
 * metrics: ConnectCount, MessageCount, IntegrationError, ClientError, ExecutionError,
 * IntegrationLatency; access logs). Published only when someone subscribes.
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

/**
 * One event of a connection, as its access-log line is made from it: a `$connect` accepted or refused
 * (once the handshake is answered), a message however it ended (once answered), a `$disconnect` (once
 * its integration answered). Its fields are references to what the plane already holds, plus the
 * outcome; it is built only while someone subscribes.
 */
export interface WsEventMessage extends WsLoggedEvent {
  /**
   * The compiled stage the connection was made to (an open connection keeps the deployment it
   * connected to): whose gateway the event is, and, deployed now under the same name, its access log.
   */
  readonly stage: CompiledWsStage;
}

export const wsEvents = channel("portico:websocket:event");
