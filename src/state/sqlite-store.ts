import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { jsonCopy } from "./memory-store.ts";
import type { Collection, Store, StoredDocument, WriteOp } from "./store.ts";

export class StoreOpenError extends Error {
  readonly code = "STORE_OPEN_FAILED";
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS documents (
  collection TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (collection, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO meta (name, value) VALUES ('version', 0);
INSERT OR IGNORE INTO meta (name, value) VALUES ('portico_schema', 1);
`;

/**
 * The embedded durable store: `<dataDir>/portico.db` on node:sqlite. WAL with synchronous=FULL makes
 * each commit durable when it returns; each batch is one transaction, so a crash (even SIGKILL)
 * leaves the last committed batch readable and never half of one.
 */
export class SqliteStore implements Store {
  private readonly db: DatabaseSync;
  private readonly listeners = new Set<(version: number) => void>();
  private readonly statements: {
    get: StatementSync;
    list: StatementSync;
    put: StatementSync;
    del: StatementSync;
    bump: StatementSync;
    version: StatementSync;
    getMeta: StatementSync;
    setMeta: StatementSync;
  };

  constructor(dataDir: string) {
    const file = join(dataDir, "portico.db");
    try {
      mkdirSync(dataDir, { recursive: true });
    } catch (err) {
      throw new StoreOpenError(`cannot create the data directory ${dataDir}: ${(err as Error).message}`);
    }
    try {
      this.db = new DatabaseSync(file);
      this.db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;");
      this.db.exec(SCHEMA);
    } catch (err) {
      throw new StoreOpenError(`cannot open the state database ${file}: ${(err as Error).message}`);
    }
    this.statements = {
      get: this.db.prepare("SELECT value FROM documents WHERE collection = ? AND key = ?"),
      list: this.db.prepare(
        "SELECT key, value FROM documents WHERE collection = ? AND substr(key, 1, ?) = ? ORDER BY key",
      ),
      put: this.db.prepare(
        "INSERT INTO documents (collection, key, value) VALUES (?, ?, ?) ON CONFLICT(collection, key) DO UPDATE SET value = excluded.value",
      ),
      del: this.db.prepare("DELETE FROM documents WHERE collection = ? AND key = ?"),
      bump: this.db.prepare("UPDATE meta SET value = value + 1 WHERE name = 'version' RETURNING value"),
      version: this.db.prepare("SELECT value FROM meta WHERE name = 'version'"),
      getMeta: this.db.prepare("SELECT value FROM meta WHERE name = ?"),
      setMeta: this.db.prepare(
        "INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
      ),
    };
  }

  async get(collection: Collection, key: string): Promise<unknown | undefined> {
    const row = this.statements.get.get(collection, key) as { value: string } | undefined;
    return row === undefined ? undefined : JSON.parse(row.value);
  }

  async list(collection: Collection, prefix = ""): Promise<StoredDocument[]> {
    const rows = this.statements.list.all(collection, prefix.length, prefix) as {
      key: string;
      value: string;
    }[];
    return rows.map((r) => ({ key: r.key, value: JSON.parse(r.value) }));
  }

  /** `meta`: named numbers written in the same transaction (a copy's source version, say). */
  async commit(ops: WriteOp[], meta: Readonly<Record<string, number>> = {}): Promise<number> {
    const texts = ops.map((op) => (op.op === "put" ? JSON.stringify(jsonCopy(op.value)) : ""));
    this.db.exec("BEGIN IMMEDIATE");
    let version: number;
    try {
      ops.forEach((op, i) => {
        if (op.op === "put") this.statements.put.run(op.collection, op.key, texts[i]!);
        else this.statements.del.run(op.collection, op.key);
      });
      for (const [name, value] of Object.entries(meta)) this.statements.setMeta.run(name, value);
      version = Number((this.statements.bump.get() as { value: number }).value);
      this.db.exec("COMMIT");
    } catch (err) {
      // SQLite may already have rolled back (a full disk does): a failing ROLLBACK must not hide
      // the error that says why the write failed.
      try {
        this.db.exec("ROLLBACK");
      } catch {}
      throw err;
    }
    for (const listener of this.listeners) listener(version);
    return version;
  }

  async version(): Promise<number> {
    return Number((this.statements.version.get() as { value: number }).value);
  }

  /** A number written with `commit`'s `meta`. */
  async meta(name: string): Promise<number | undefined> {
    const row = this.statements.getMeta.get(name) as { value: number } | undefined;
    return row === undefined ? undefined : Number(row.value);
  }

  onChange(listener: (version: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    if (this.db.isOpen) this.db.close();
  }
}
