import { type Logger, pino } from "pino";

/**
 * The gateway's operational log (NDJSON on stderr). Credentials and keys are redacted wherever they
 * appear, so a request or config logged whole never leaks a secret.
 */
export function createLogger(level = process.env.PORTICO_LOG_LEVEL ?? "info"): Logger {
  return pino(
    {
      level,
      base: { service: "portico" },
      redact: {
        paths: [
          "*.authorization",
          "*.Authorization",
          "*.headers.authorization",
          "*.headers['x-api-key']",
          "*.secretAccessKey",
          "*.credentials[*].secretAccessKey",
        ],
        censor: "[redacted]",
      },
    },
    pino.destination(2),
  );
}

export type { Logger };
