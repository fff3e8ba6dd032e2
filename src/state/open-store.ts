import { MemoryStore } from "./memory-store.ts";
import { RedisStore } from "./redis-store.ts";
import { SqliteStore } from "./sqlite-store.ts";
import type { Store } from "./store.ts";

/**
 * The shared Redis store when `redis` is given (scale-out), else the durable SQLite store under
 * `dataDir`, else an in-memory one.
 */
export async function openStore(options: {
  dataDir?: string;
  redis?: string;
  onError?: (err: Error) => void;
}): Promise<Store> {
  if (options.redis !== undefined) return RedisStore.open(options.redis, { onError: options.onError });
  return options.dataDir === undefined ? new MemoryStore() : new SqliteStore(options.dataDir);
}
