import type { Collection, Store, StoredDocument, WriteOp } from "./store.ts";

/** Copies JSON-shaped values, refusing what JSON cannot carry (functions, BigInt, cycles). */
export function jsonCopy(value: unknown): unknown {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError("value is not JSON-serialisable");
  return JSON.parse(text);
}

/** The in-process store (no `--data-dir`): same semantics as the durable one, nothing on disk. */
export class MemoryStore implements Store {
  private readonly collections = new Map<Collection, Map<string, string>>();
  private currentVersion = 0;
  private readonly listeners = new Set<(version: number) => void>();

  private collection(name: Collection): Map<string, string> {
    let c = this.collections.get(name);
    if (c === undefined) {
      c = new Map();
      this.collections.set(name, c);
    }
    return c;
  }

  async get(collection: Collection, key: string): Promise<unknown | undefined> {
    const text = this.collections.get(collection)?.get(key);
    return text === undefined ? undefined : JSON.parse(text);
  }

  async list(collection: Collection, prefix = ""): Promise<StoredDocument[]> {
    const out: StoredDocument[] = [];
    for (const [key, text] of this.collections.get(collection) ?? []) {
      if (key.startsWith(prefix)) out.push({ key, value: JSON.parse(text) });
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async commit(ops: WriteOp[]): Promise<number> {
    // Serialise everything first so a bad value leaves nothing written.
    const prepared = ops.map((op) =>
      op.op === "put" ? { ...op, text: JSON.stringify(jsonCopy(op.value)) } : op,
    );
    for (const op of prepared) {
      if (op.op === "put") this.collection(op.collection).set(op.key, (op as { text: string }).text);
      else this.collections.get(op.collection)?.delete(op.key);
    }
    const version = ++this.currentVersion;
    for (const listener of this.listeners) listener(version);
    return version;
  }

  async version(): Promise<number> {
    return this.currentVersion;
  }

  onChange(listener: (version: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}
