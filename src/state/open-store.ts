import { MemoryStore } from "./memory-store.ts";
import type { StoreLog } from "./redis-data-set.ts";
import { RedisStore } from "./redis-store.ts";
import { SqliteStore } from "./sqlite-store.ts";
import type { Store } from "./store.ts";

/**
 * The shared Redis store when `redis` is given (scale-out; with `dataDir` it keeps a durable copy of
 * the shared state there), else the durable SQLite store under `dataDir`, else an in-memory one.
 */
export async function openStore(options: {
  dataDir?: string;
  redis?: string;
  onError?: (err: Error) => void;
  log?: StoreLog;
}): Promise<Store> {
  if (options.redis !== undefined) {
    return RedisStore.open(options.redis, {
      onError: options.onError,
      log: options.log,
      dataDir: options.dataDir,
    });
  }
  return options.dataDir === undefined ? new MemoryStore() : new SqliteStore(options.dataDir);
}
