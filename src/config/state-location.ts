import { dirname, join, resolve } from "node:path";
import type { LoadedConfig } from "./load-config.ts";

/** The folder a durable store gets when nothing names one. */
export const DEFAULT_DATA_DIR_NAME = ".portico";

const TRUE = new Set(["1", "true"]);
const FALSE = new Set(["", "0", "false"]);

/** What one source (flags, environment, file) says: a directory, memory, or nothing. */
type Choice = { dir: string } | "memory" | undefined;

/**
 * Where the state lives: a directory for the durable store, or undefined for memory (or, with
 * Redis, for no local copy). Each source says "this directory" or "in memory"; flags beat PORTICO_*
 * variables, which beat the file, and one source saying both is an error. When no source says
 * either, the state is durable in `.portico/` beside the config file (or in the working directory
 * without one), so that a restart never loses what was made through the admin API. With Redis the
 * shared state is in Redis and a node keeps a local copy only where one is named: a default folder
 * would be shared by every node started from the same directory.
 */
export function resolveDataDir(
  input: {
    flags: Readonly<Record<string, string | undefined>>;
    env: Readonly<Record<string, string | undefined>>;
    config?: LoadedConfig;
    cwd: string;
    redis: boolean;
  },
  problems: string[],
): string | undefined {
  const { flags, env, config, cwd } = input;
  const memoryVariable = env.PORTICO_IN_MEMORY;
  if (memoryVariable !== undefined && !TRUE.has(memoryVariable) && !FALSE.has(memoryVariable))
    problems.push(`PORTICO_IN_MEMORY: must be 1 or 0 (got "${memoryVariable}")`);
  const sources: Choice[] = [
    choice(flags["data-dir"], flags["in-memory"] === "true", ["--data-dir", "--in-memory"], problems),
    choice(
      env.PORTICO_DATA_DIR || undefined,
      memoryVariable !== undefined && TRUE.has(memoryVariable),
      ["PORTICO_DATA_DIR", "PORTICO_IN_MEMORY=1"],
      problems,
    ),
    // loadConfigFile refuses a file with both, naming the line; its dataDir is already absolute.
    config?.inMemory === true
      ? "memory"
      : config?.dataDir === undefined
        ? undefined
        : { dir: config.dataDir },
  ];
  const chosen = sources.find((c) => c !== undefined);
  if (chosen === "memory") return undefined;
  if (chosen !== undefined) return resolve(cwd, chosen.dir);
  if (input.redis) return undefined;
  return join(config === undefined ? cwd : dirname(config.file), DEFAULT_DATA_DIR_NAME);
}

function choice(
  dir: string | undefined,
  memory: boolean,
  [dirName, memoryName]: [string, string],
  problems: string[],
): Choice {
  if (dir !== undefined && memory)
    problems.push(
      `${dirName} and ${memoryName} contradict each other: give one (durable state in a directory, or in memory for a throwaway run)`,
    );
  return memory ? "memory" : dir === undefined ? undefined : { dir };
}
