import { MemoryStore } from "./memory-store.ts";
import { SqliteStore } from "./sqlite-store.ts";
import type { Store } from "./store.ts";

/** The durable SQLite store under `dataDir`, or an in-memory one when no directory is given. */
export async function openStore(options: { dataDir?: string }): Promise<Store> {
  return options.dataDir === undefined ? new MemoryStore() : new SqliteStore(options.dataDir);
}
