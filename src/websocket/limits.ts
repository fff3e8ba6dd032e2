/**
 * The WebSocket limits: AWS's where AWS has one
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html), the gateway's own where
 * AWS keeps its number to itself (ping interval, buffers).
 */
export interface WsLimits {
  /** A connection with no message either way for this long is closed (AWS: 10 minutes). */
  readonly idleTimeoutMs: number;
  /** No connection lasts longer (AWS: 2 hours). */
  readonly maxDurationMs: number;
  /** A data frame larger than this closes the connection with 1009 (AWS: 32 KB; messages come in fragments). */
  readonly maxFrameBytes: number;
  /** How often each client is pinged; one that has not answered the previous ping is cut. */
  readonly pingIntervalMs: number;
  /**
   * Bytes waiting to reach a slow client beyond which a send is refused ("full": `@connections`
   * answers 429 LimitExceededException, as AWS does when "the WebSocket client side buffer is full").
   */
  readonly maxBufferedBytes: number;
  /** Messages of one connection at its integrations at once; past it the gateway stops reading that socket. */
  readonly maxInFlightMessages: number;
}

export const DEFAULT_WS_LIMITS: WsLimits = {
  idleTimeoutMs: 10 * 60_000,
  maxDurationMs: 2 * 60 * 60_000,
  maxFrameBytes: 32 * 1024,
  pingIntervalMs: 30_000,
  maxBufferedBytes: 1024 * 1024,
  maxInFlightMessages: 32,
};
