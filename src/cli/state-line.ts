import { join } from "node:path";
import type { Settings } from "../config/settings.ts";
import { redactRedisUrl } from "../state/redis-connection.ts";

/**
 * Where the state lives, said at start so that nobody learns it from a restart: the durable
 * database, the shared Redis (its password hidden), or memory that the next stop loses.
 */
export function stateLine(settings: Pick<Settings, "dataDir" | "redis">): string {
  const database = settings.dataDir === undefined ? undefined : join(settings.dataDir, "portico.db");
  if (settings.redis !== undefined)
    return `State: shared in Redis ${redactRedisUrl(settings.redis)}${
      database === undefined ? "" : `, this node's copy in ${database}`
    }`;
  if (database !== undefined)
    return `State: ${database} (durable across restarts; --in-memory for a throwaway run)`;
  return "State: in memory (--in-memory): everything made through the admin API is lost when Portico stops";
}
