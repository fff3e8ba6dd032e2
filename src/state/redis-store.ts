import { randomUUID } from "node:crypto";
import { type Cluster, Redis } from "ioredis";
import { jsonCopy } from "./memory-store.ts";
import { connectRedis, parseRedisUrl, redactRedisUrl, stderrReporter } from "./redis-connection.ts";
import {
  ALL_KEYS,
  collectionKey,
  defineStoreScripts,
  EPOCH_KEY,
  isEpochError,
  pairs,
  type StoreScripts,
  VERSION_KEY,
} from "./redis-store-scripts.ts";
import { StateCopy } from "./state-copy.ts";
import { COLLECTIONS, type Collection, type Store, type StoredDocument, type WriteOp } from "./store.ts";

type Connection = Redis | Cluster;

const OPEN_DEADLINE_MS = 10_000;
// A FLUSHALL announces nothing: every node looks at the epoch this often.
const PROBE_MS = 1000;

/** Where the store reports losing and restoring the shared state (the gateway's logger). */
export interface StoreLog {
  error(details: object, message: string): void;
  warn(details: object, message: string): void;
}

export interface RedisStoreOptions {
  /** Connection errors; by default each distinct one is written once to stderr. */
  onError?: (err: Error) => void;
  log?: StoreLog;
  /** Keeps this node's copy of the shared state in `<dataDir>/portico.db` too. */
  dataDir?: string;
}

interface Seen {
  /** Raw, as the re-seed script compares it. */
  versionText: string;
  version: number;
  epoch: string | null;
  documents: number;
}

const stderrLog: StoreLog = {
  error: (details, message) => process.stderr.write(`portico: ERROR ${message} ${JSON.stringify(details)}\n`),
  warn: (details, message) => process.stderr.write(`portico: ${message} ${JSON.stringify(details)}\n`),
};

// Pub/sub channels ignore SELECT, so stores in different databases of one server need their own.
function changesChannel(url: string): string {
  const target = parseRedisUrl(url);
  return target.kind === "standalone" && target.db !== 0
    ? `portico:changes:db${target.db}`
    : "portico:changes";
}

function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function closeConnection(conn: Connection): Promise<void> {
  if (conn.status === "ready") {
    await withDeadline(conn.quit(), 1000, "QUIT").catch(() => undefined);
  }
  // Also stops a reconnect loop when the server is down.
  conn.disconnect();
}

/**
 * The shared store for scale-out: N gateway nodes on one Redis (standalone, Sentinel or Cluster).
 * One hash per collection (field = document key, value = JSON text) and a version counter; a commit
 * is one Lua script that writes, bumps the version and publishes it, so every node's `onChange`
 * hears it. Listeners hear versions in increasing order (plus a repeat after the data set is
 * replaced); a version may stand for several commits.
 *
 * Nothing is lost when Redis is: each node keeps the last good state (StateCopy) and follows one
 * data set, named by its epoch. Reads and commits are fenced by it (redis-store-scripts.ts), and
 * the epoch is checked every second, on every reconnect and on every change heard. A data set that
 * is gone or went back in versions (restart without persistence, FLUSHALL, failover to an empty or
 * lagging replica) is re-seeded from the copy, loudly; one that moved ahead under a new epoch (a
 * peer re-seeded it) is followed.
 */
export class RedisStore implements Store {
  private readonly commands: Connection;
  private readonly scripts: StoreScripts;
  private readonly subscriber: Connection;
  private readonly channel: string;
  private readonly onError: (err: Error) => void;
  private readonly log: StoreLog;
  private readonly dataDir: string | undefined;
  private readonly listeners = new Set<(version: number) => void>();
  private copy!: StateCopy;
  /** The data set this node follows. */
  private epoch = "";
  /** The highest version announced to listeners. */
  private announced = 0;
  /** The highest version known to belong to the epoch's data set. */
  private verified = 0;
  private closed = false;
  private reconciling: Promise<void> | undefined;
  private reconcileWanted = false;
  private snapshotting = false;
  private snapshotWanted = false;
  private probe: NodeJS.Timeout | undefined;

  private constructor(
    commands: Connection,
    subscriber: Connection,
    channel: string,
    onError: (err: Error) => void,
    options: RedisStoreOptions,
  ) {
    this.commands = commands;
    this.scripts = defineStoreScripts(commands);
    this.subscriber = subscriber;
    this.channel = channel;
    this.onError = onError;
    this.log = options.log ?? stderrLog;
    this.dataDir = options.dataDir;
  }

  /** Connects and subscribes; rejects with the reason when Redis cannot be reached. */
  static async open(url: string, options: RedisStoreOptions = {}): Promise<RedisStore> {
    const fallback = stderrReporter(redactRedisUrl(url));
    const report = options.onError ?? fallback.report;
    // While opening, errors become the reason of the rejection rather than reports.
    let opening = true;
    let reason: Error | undefined;
    const onError = (err: Error) => {
      if (opening) reason ??= err;
      else report(err);
    };
    const commands = connectRedis(url, { lazyConnect: true, name: "portico", onError });
    const subscriber = connectRedis(url, {
      lazyConnect: true,
      name: "portico-changes",
      onError,
      subscriber: true,
    });
    if (options.onError === undefined) {
      for (const conn of [commands, subscriber]) conn.on("ready", fallback.reset);
    }
    const store = new RedisStore(commands, subscriber, changesChannel(url), report, options);
    store.copy = await StateCopy.open(options.dataDir, report);
    try {
      await withDeadline(store.start(), OPEN_DEADLINE_MS, "connecting");
    } catch (err) {
      await Promise.all([closeConnection(commands), closeConnection(subscriber), store.copy.close()]);
      const why = reason?.message ?? (err as Error).message;
      throw new Error(`cannot reach Redis at ${redactRedisUrl(url)}: ${why}`);
    } finally {
      opening = false;
    }
    return store;
  }

  private async start(): Promise<void> {
    await this.commands.connect();
    await this.commands.ping();
    this.subscriber.on("message", (channel: string, message: string) => {
      if (channel === this.channel) this.heard(Number(message));
    });
    await this.subscriber.subscribe(this.channel);
    // After subscribing: a commit in between is then both seen here and heard, never missed.
    await this.establish();
    // Redis is the truth from here on, even where the durable copy held something else.
    await this.snapshot(true);
    // Messages published while the subscriber was away are lost: look at the state once it is back.
    this.subscriber.on("ready", () => this.check());
    this.probe = setInterval(() => this.check(), PROBE_MS);
    this.probe.unref();
  }

  /** Picks the data set to follow at start; seeds an empty Redis from the durable copy. */
  private async establish(): Promise<void> {
    for (;;) {
      const seen = await this.inspect();
      if (seen.documents === 0 && this.copy.size > 0 && seen.version <= this.copy.version) {
        // Only a Redis with nothing in it, and not one emptied by deletes made after the copy:
        // existing data is never overwritten at start. (An embedded data dir has version 0.)
        if (
          await this.reseed(seen, `Redis holds no Portico state: seeded it from the copy in ${this.dataDir}`)
        )
          return;
        continue;
      }
      if (seen.epoch === null) {
        await this.commands.set(EPOCH_KEY, randomUUID(), "NX");
        continue;
      }
      this.epoch = seen.epoch;
      this.announced = this.verified = seen.version;
      return;
    }
  }

  async get(collection: Collection, key: string): Promise<unknown | undefined> {
    const text = (await this.fenced(() =>
      this.scripts.porticoRead(2, EPOCH_KEY, collectionKey(collection), this.epoch, key),
    )) as string | null;
    return text === null ? undefined : JSON.parse(text);
  }

  async list(collection: Collection, prefix = ""): Promise<StoredDocument[]> {
    const flat = (await this.fenced(() =>
      this.scripts.porticoRead(2, EPOCH_KEY, collectionKey(collection), this.epoch),
    )) as string[];
    const out: StoredDocument[] = [];
    for (const [key, text] of pairs(flat)) {
      if (key.startsWith(prefix)) out.push({ key, value: JSON.parse(text) });
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async commit(ops: WriteOp[]): Promise<number> {
    // Serialise everything before sending so a bad value leaves nothing written.
    const texts = ops.map((op) => (op.op === "put" ? JSON.stringify(jsonCopy(op.value)) : ""));
    const keys = [VERSION_KEY, EPOCH_KEY, ...ops.map((op) => collectionKey(op.collection))];
    const version = Number(
      await this.fenced(() => {
        const args = [this.channel, this.epoch];
        ops.forEach((op, i) => {
          args.push(op.op, op.key, texts[i]!);
        });
        return this.scripts.porticoCommit(keys.length, ...keys, ...args);
      }),
    );
    const contiguous = version === this.copy.version + 1;
    this.copy.apply(ops, texts, version);
    if (!contiguous) this.requestSnapshot();
    this.verified = Math.max(this.verified, version);
    // Tell this node's listeners now, as the other stores do, rather than when the message
    // comes back through the subscriber (which may be after the caller moved on).
    if (version > this.announced) {
      this.announced = version;
      this.announce(version);
    }
    return version;
  }

  async version(): Promise<number> {
    return Number((await this.send(() => this.commands.get(VERSION_KEY))) ?? 0);
  }

  onChange(listener: (version: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    clearInterval(this.probe);
    await Promise.all([closeConnection(this.commands), closeConnection(this.subscriber)]);
    await this.copy.close();
  }

  // ioredis words a lost connection after its options ("Stream isn't writeable and
  // enableOfflineQueue options is false"); callers should read what is wrong.
  private async send<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (err) {
      if (this.commands.status === "ready") throw err;
      throw new Error(`Redis is unreachable (${(err as Error).message})`, { cause: err });
    }
  }

  /** A fenced script; refused because the data set changed, it runs again once that is settled. */
  private async fenced<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await this.send(command);
    } catch (err) {
      if (!isEpochError(err)) throw err;
    }
    await this.reconcile();
    return this.send(command);
  }

  private async inspect(): Promise<Seen> {
    const [versionText, epoch, documents] = await this.scripts.porticoInspect(ALL_KEYS.length, ...ALL_KEYS);
    return { versionText, version: Number(versionText), epoch: epoch === "" ? null : epoch, documents };
  }

  private heard(version: number): void {
    if (!Number.isSafeInteger(version)) return;
    if (version > this.announced) {
      // The listeners' reads are fenced, so announcing before the epoch is checked is safe.
      this.announced = version;
      this.announce(version);
      this.requestSnapshot();
    } else {
      // Usually the echo of this node's own commit, already announced; but it is also what a
      // counter that started again looks like, which only the epoch can tell.
      this.check();
    }
  }

  private announce(version: number): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(version);
      } catch (err) {
        // A listener's failure is its own; it must not fail a commit that is already applied,
        // nor unwind into the Redis client's reply parser.
        this.onError(err instanceof Error ? err : new Error(String(err)));
      }
    }
  }

  /** A reconcile whose failure (Redis away) is reported by the connection's 'error' event. */
  private check(): void {
    this.reconcile().catch(() => undefined);
  }

  /** Compares Redis with what this node follows and settles any difference; one at a time. */
  private reconcile(): Promise<void> {
    this.reconcileWanted = true;
    this.reconciling ??= this.reconcileLoop().finally(() => {
      this.reconciling = undefined;
    });
    return this.reconciling;
  }

  private async reconcileLoop(): Promise<void> {
    // Bounded, should Redis keep changing under it; the next probe carries on.
    for (let pass = 0; pass < 10 && this.reconcileWanted && !this.closed; pass++) {
      this.reconcileWanted = false;
      // A resubscription is sent ahead of this on the same connection; once PING answers it is
      // in force and a state read now cannot miss a commit.
      if (this.subscriber instanceof Redis && this.subscriber.status === "ready")
        await this.subscriber.ping();
      await this.settle(await this.inspect());
    }
  }

  private async settle(seen: Seen): Promise<void> {
    if (seen.epoch === null || seen.version < this.verified) {
      if (this.copy.size === 0) {
        // Nothing to restore: take the data set as it is.
        if (seen.epoch === null) await this.commands.set(EPOCH_KEY, randomUUID(), "NX");
        else this.follow(seen);
        this.reconcileWanted = true;
        return;
      }
      const restored = await this.reseed(
        seen,
        "Redis lost Portico's shared state (restarted without persistence, flushed, or failed over to an " +
          "empty or older replica): re-seeded it from this node's last good copy. Every node kept serving " +
          "its last good deployment meanwhile. Turn on Redis persistence (docs/operations.md)",
      );
      if (!restored) this.reconcileWanted = true;
      return;
    }
    if (seen.epoch !== this.epoch) {
      this.log.warn(
        { epoch: seen.epoch, previousEpoch: this.epoch, version: seen.version },
        "the shared state in Redis was re-seeded (by another node, or restored): following it",
      );
      this.follow(seen);
      return;
    }
    this.verified = Math.max(this.verified, seen.version);
    if (seen.version > this.announced) {
      this.announced = seen.version;
      this.announce(seen.version);
    }
    if (this.copy.version < seen.version) this.requestSnapshot();
  }

  private follow(seen: Seen): void {
    this.epoch = seen.epoch!;
    this.verified = seen.version;
    if (seen.version > this.announced) {
      this.announced = seen.version;
      this.announce(seen.version);
    }
    this.requestSnapshot();
  }

  /** Writes the copy over the data set `seen`, unless it moved since; true if it wrote. */
  private async reseed(seen: Seen, message: string): Promise<boolean> {
    const epoch = randomUUID();
    const version = Math.max(seen.version, this.verified, this.copy.version, this.announced) + 1;
    const docs = this.copy.documents();
    const args = [seen.epoch ?? "", seen.versionText, epoch, String(version), this.channel];
    for (const d of docs) args.push(String(COLLECTIONS.indexOf(d.collection) + 1), d.key, d.text);
    const wrote = await this.scripts.porticoReseed(ALL_KEYS.length, ...ALL_KEYS, ...args);
    if (wrote !== 1) return false;
    this.log.error(
      {
        lostEpoch: this.epoch === "" ? undefined : this.epoch,
        foundEpoch: seen.epoch ?? undefined,
        foundVersion: seen.version,
        foundDocuments: seen.documents,
        restoredDocuments: docs.length,
        epoch,
        version,
      },
      message,
    );
    this.epoch = epoch;
    this.verified = version;
    this.copy.stamp(version);
    this.announced = version;
    this.announce(version);
    return true;
  }

  private requestSnapshot(): void {
    this.snapshotWanted = true;
    if (!this.snapshotting) void this.snapshotLoop();
  }

  private async snapshotLoop(): Promise<void> {
    this.snapshotting = true;
    try {
      while (this.snapshotWanted && !this.closed) {
        this.snapshotWanted = false;
        await this.snapshot();
      }
    } catch (err) {
      if (isEpochError(err)) this.check();
      else if (this.commands.status === "ready" && !this.closed) this.onError(err as Error);
      // Otherwise the next reconcile sees the copy behind and asks again.
    } finally {
      this.snapshotting = false;
    }
  }

  /** Reads the whole data set (fenced) into the copy. */
  private async snapshot(force = false): Promise<void> {
    const [versionText, ...hashes] = await this.scripts.porticoSnapshot(
      ALL_KEYS.length,
      ...ALL_KEYS,
      this.epoch,
    );
    const state = new Map<Collection, Map<string, string>>();
    COLLECTIONS.forEach((c, i) => {
      state.set(c, pairs(hashes[i] ?? []));
    });
    const version = Number(versionText);
    this.verified = Math.max(this.verified, version);
    this.copy.replace(version, state, force);
  }
}
