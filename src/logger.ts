import { createRequire } from "node:module";
import { type DestinationStream, type Logger, pino } from "pino";

/** How the operational log is written: NDJSON (for machines), or pino-pretty's lines (for a person). */
export type LogFormat = "json" | "pretty";

/**
 * `PORTICO_LOG_FORMAT=json|pretty` decides; without it, pretty when stderr is a terminal (a person
 * reads it) and JSON otherwise (a file, a pipe, a log collector, a container runtime).
 */
export function logFormat(
  env: NodeJS.ProcessEnv = process.env,
  isTTY = process.stderr.isTTY === true,
): LogFormat {
  const chosen = env.PORTICO_LOG_FORMAT?.trim().toLowerCase();
  if (chosen === "json" || chosen === "pretty") return chosen;
  return isTTY ? "pretty" : "json";
}

/**
 * pino-pretty's formatter, run in this thread on each line pino has already serialised (and
 * redacted): no transport worker, so nothing is left unwritten at exit and shutdown has no thread to
 * wait for. Loaded only when pretty mode is chosen — JSON mode never loads the module.
 */
function prettyStream(): DestinationStream {
  const require = createRequire(import.meta.url);
  const { prettyFactory } = require("pino-pretty") as {
    prettyFactory: (options: Record<string, unknown>) => (line: string) => string;
  };
  const colorize = process.stderr.isTTY === true && process.env.NO_COLOR === undefined;
  const prettify = prettyFactory({
    colorize,
    translateTime: "SYS:HH:MM:ss.l",
    ignore: "pid,hostname,service",
  });
  const out = pino.destination({ dest: 2, sync: true });
  return { write: (line: string) => out.write(prettify(line)) };
}

/**
 * The gateway's operational log on stderr (NDJSON, or readable lines in a terminal: logFormat).
 * Credentials and keys are redacted wherever they appear, so a request or config logged whole never
 * leaks a secret; redaction happens before either format is written.
 */
export function createLogger(
  level = process.env.PORTICO_LOG_LEVEL ?? "info",
  format: LogFormat = logFormat(),
): Logger {
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
    format === "pretty" ? prettyStream() : pino.destination(2),
  );
}

export type { Logger };
