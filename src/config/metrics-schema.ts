/** The config file's `metrics:` section (docs/metrics.md). */
export const METRICS_SCHEMA = {
  type: "object",
  additionalProperties: false,
  description:
    "Prometheus metrics: GET /metrics on the admin listener, without SigV4; optionally on a listener of its own, and behind a bearer token.",
  properties: {
    enabled: {
      type: "boolean",
      description:
        "Count requests for /metrics (default true). false subscribes nothing: /metrics answers 404, and the pipeline publishes no request events for metrics.",
    },
    port: {
      type: "integer",
      minimum: 0,
      maximum: 65535,
      description: "Also serve /metrics on a listener of its own on this port (default: none).",
    },
    host: { type: "string", description: "The metrics listener's address (default 127.0.0.1)." },
    bearerToken: {
      type: "string",
      minLength: 16,
      description:
        "When set, a scrape must send Authorization: Bearer <token>, on both listeners (or PORTICO_METRICS_TOKEN).",
    },
  },
} as const;

export interface MetricsConfig {
  enabled?: boolean;
  port?: number;
  host?: string;
  bearerToken?: string;
}
