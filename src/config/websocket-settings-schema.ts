/** The config file's `websocket:` section: connection limits of every WebSocket API. */
export const WEBSOCKET_SETTINGS_SCHEMA = {
  type: "object",
  additionalProperties: false,
  description: "WebSocket API connection limits.",
  properties: {
    idleTimeoutMs: {
      type: "integer",
      minimum: 1,
      description:
        "A connection with no message either way for this long is closed (default 600000: AWS's 10 minutes).",
    },
    maxDurationMs: {
      type: "integer",
      minimum: 1,
      description: "No connection lasts longer (default 7200000: AWS's 2 hours).",
    },
    pingIntervalMs: {
      type: "integer",
      minimum: 1000,
      description:
        "How often the gateway pings each WebSocket client; a client that does not answer by the next ping is closed (default 30000).",
    },
    maxFrameBytes: {
      type: "integer",
      minimum: 125,
      maximum: 131072,
      description:
        "A WebSocket data frame larger than this closes the connection with 1009 (default 32768: AWS's 32 KB; larger messages come in fragments).",
    },
    maxBufferedBytes: {
      type: "integer",
      minimum: 1024,
      description:
        "Bytes waiting to reach a slow WebSocket client beyond which a send is refused (@connections answers 429 LimitExceededException; default 1048576).",
    },
    maxInFlightMessages: {
      type: "integer",
      minimum: 1,
      description:
        "Messages of one WebSocket connection at its integrations at once; past it the gateway stops reading that socket until they answer (default 32).",
    },
    heartbeatTtlMs: {
      type: "integer",
      minimum: 1000,
      description:
        "With --redis: a connection is reported gone (410) this long after the last heartbeat of the node holding it, e.g. once that node died (default 30000); the node beats every third of it.",
    },
  },
} as const;
