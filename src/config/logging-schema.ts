import { resolve } from "node:path";

/**
 * The config file's `accessLogs:` and `executionLogs:` sections. A stage's `accessLogSettings`
 * names a CloudWatch Logs log group by ARN, as on AWS; here that ARN (or the log group's name) maps
 * to where the lines are written: `stdout`, `stderr`, `off`, or a file (relative to the config file).
 */

const TARGET = {
  type: "string",
  minLength: 1,
  description: "stdout, stderr, off (not written), or a file path (relative to this file; appended to).",
} as const;

export const ACCESS_LOGS_SCHEMA = {
  type: "object",
  additionalProperties: false,
  description: "Where stages' access logs (accessLogSettings) are written.",
  properties: {
    default: {
      ...TARGET,
      description: `For a destination ARN not listed (default stdout): ${TARGET.description}`,
    },
    destinations: {
      type: "object",
      description:
        "Log group ARN (arn:aws:logs:{region}:{account}:log-group:{name}) or log group name → where its lines go.",
      additionalProperties: TARGET,
    },
  },
} as const;

export const EXECUTION_LOGS_SCHEMA = {
  type: "object",
  additionalProperties: false,
  description: "Where REST methods' execution logs (loggingLevel, dataTraceEnabled) are written.",
  properties: { destination: { ...TARGET, description: `Default stderr: ${TARGET.description}` } },
} as const;

export interface AccessLogsConfig {
  default?: string;
  destinations?: Record<string, string>;
}

export interface ExecutionLogsConfig {
  destination?: string;
}

const WORDS = new Set(["stdout", "stderr", "off"]);
const target = (base: string, t: string) => (WORDS.has(t) ? t : resolve(base, t));

/** The sections with file paths resolved against the config file's folder. */
export function resolveLogTargets(
  base: string,
  accessLogs: AccessLogsConfig | undefined,
  executionLogs: ExecutionLogsConfig | undefined,
): { accessLogs?: AccessLogsConfig; executionLogs?: ExecutionLogsConfig } {
  return {
    ...(accessLogs === undefined
      ? {}
      : {
          accessLogs: {
            ...(accessLogs.default === undefined ? {} : { default: target(base, accessLogs.default) }),
            ...(accessLogs.destinations === undefined
              ? {}
              : {
                  destinations: Object.fromEntries(
                    Object.entries(accessLogs.destinations).map(([k, v]) => [k, target(base, v)]),
                  ),
                }),
          },
        }),
    ...(executionLogs?.destination === undefined
      ? {}
      : { executionLogs: { destination: target(base, executionLogs.destination) } }),
  };
}
