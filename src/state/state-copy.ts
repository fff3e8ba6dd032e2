import { SqliteStore } from "./sqlite-store.ts";
import { COLLECTIONS, type Collection, type WriteOp } from "./store.ts";

/** A document as the shared store holds it: JSON text under a collection and key. */
export interface DocumentText {
  collection: Collection;
  key: string;
  text: string;
}

export type CollectionTexts = ReadonlyMap<Collection, ReadonlyMap<string, string>>;

// The meta row of the durable copy that records which shared-store version it holds.
const SOURCE_VERSION = "shared_version";

/**
 * This node's last good copy of the shared (Redis) state: every document, and the store version it
 * reflects. It is what re-seeds a Redis that came back empty. In memory always; with `--data-dir`
 * also in `<data-dir>/portico.db`, so it outlives the process (and can seed a cluster whose nodes
 * and Redis all restarted). It only moves forward: an older snapshot never replaces a newer one.
 */
export class StateCopy {
  private readonly docs = new Map<Collection, Map<string, string>>();
  private currentVersion = 0;
  private readonly durable: SqliteStore | undefined;
  private writing: Promise<void> = Promise.resolve();
  private durableBehind = false;
  private readonly onError: (err: Error) => void;

  private constructor(durable: SqliteStore | undefined, onError: (err: Error) => void) {
    this.durable = durable;
    this.onError = onError;
    for (const c of COLLECTIONS) this.docs.set(c, new Map());
  }

  /** The copy, loaded from `dataDir` when given. */
  static async open(dataDir: string | undefined, onError: (err: Error) => void): Promise<StateCopy> {
    const durable = dataDir === undefined ? undefined : new SqliteStore(dataDir);
    const copy = new StateCopy(durable, onError);
    if (durable !== undefined) {
      for (const c of COLLECTIONS) {
        const texts = copy.docs.get(c)!;
        for (const { key, value } of await durable.list(c)) texts.set(key, JSON.stringify(value));
      }
      copy.currentVersion = (await durable.meta(SOURCE_VERSION)) ?? 0;
    }
    return copy;
  }

  /** The shared-store version the copy reflects. */
  get version(): number {
    return this.currentVersion;
  }

  get size(): number {
    let n = 0;
    for (const texts of this.docs.values()) n += texts.size;
    return n;
  }

  documents(): DocumentText[] {
    const out: DocumentText[] = [];
    for (const [collection, texts] of this.docs)
      for (const [key, text] of texts) out.push({ collection, key, text });
    return out;
  }

  /**
   * The whole state as read at `version`; ignored when the copy already reflects a later one, unless
   * `force` (the shared store is the truth whatever the durable copy held when the node started).
   */
  replace(version: number, state: CollectionTexts, force = false): void {
    if (version < this.currentVersion && !force) return;
    const ops: WriteOp[] = [];
    for (const c of COLLECTIONS) {
      const mine = this.docs.get(c)!;
      const theirs = state.get(c) ?? new Map<string, string>();
      for (const key of mine.keys()) if (!theirs.has(key)) ops.push({ op: "delete", collection: c, key });
      for (const [key, text] of theirs)
        if (mine.get(key) !== text) ops.push({ op: "put", collection: c, key, value: text });
      this.docs.set(c, new Map(theirs));
    }
    this.currentVersion = version;
    this.persist(ops, version);
  }

  /** A commit this node made (`texts[i]` is op i's JSON text), acknowledged at `version`. */
  apply(ops: readonly WriteOp[], texts: readonly string[], version: number): void {
    const written: WriteOp[] = [];
    ops.forEach((op, i) => {
      const mine = this.docs.get(op.collection)!;
      if (op.op === "put") {
        mine.set(op.key, texts[i]!);
        written.push({ op: "put", collection: op.collection, key: op.key, value: texts[i] });
      } else {
        mine.delete(op.key);
        written.push(op);
      }
    });
    this.currentVersion = Math.max(this.currentVersion, version);
    this.persist(written, this.currentVersion);
  }

  /** The same documents now stand at `version` (after they re-seeded the shared store). */
  stamp(version: number): void {
    this.currentVersion = version;
    this.persist([], version);
  }

  async close(): Promise<void> {
    await this.writing;
    await this.durable?.close();
  }

  // Values travel as their JSON text and are parsed once here, so the durable copy stores exactly
  // what the shared store held. Writes are chained so they land in order; after a failed one (a full
  // disk, say) the next rewrites the whole copy rather than build on a gap.
  private persist(ops: WriteOp[], version: number): void {
    const durable = this.durable;
    if (durable === undefined) return;
    const parse = (list: WriteOp[]) =>
      list.map((op) => (op.op === "put" ? { ...op, value: JSON.parse(op.value as string) } : op));
    const parsed = parse(ops);
    this.writing = this.writing
      .then(async () => {
        if (this.durableBehind) {
          // The memory copy is at least as new as anything queued: it stands for them all.
          await durable.commit(parse(await this.wholeCopyOps(durable)), {
            [SOURCE_VERSION]: this.currentVersion,
          });
        } else await durable.commit(parsed, { [SOURCE_VERSION]: version });
        this.durableBehind = false;
      })
      .catch((err: unknown) => {
        this.durableBehind = true;
        this.onError(new Error(`cannot update the copy of the shared state: ${(err as Error).message}`));
      });
  }

  private async wholeCopyOps(durable: SqliteStore): Promise<WriteOp[]> {
    const ops: WriteOp[] = [];
    for (const c of COLLECTIONS) {
      const mine = this.docs.get(c)!;
      for (const { key } of await durable.list(c))
        if (!mine.has(key)) ops.push({ op: "delete", collection: c, key });
      for (const [key, text] of mine) ops.push({ op: "put", collection: c, key, value: text });
    }
    return ops;
  }
}
