import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryStore } from "../../src/state/memory-store.ts";
import { SqliteStore } from "../../src/state/sqlite-store.ts";
import { storeSpec } from "../support/store-spec.ts";

storeSpec("memory", () => ({ store: new MemoryStore(), cleanup: () => undefined }));
storeSpec("sqlite", () => {
  const dir = mkdtempSync(join(tmpdir(), "portico-store-"));
  return {
    store: new SqliteStore(join(dir, "data")),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
});
