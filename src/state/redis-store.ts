import type { Cluster, Redis } from "ioredis";
import { jsonCopy } from "./memory-store.ts";
import { connectRedis, parseRedisUrl, redactRedisUrl, stderrReporter } from "./redis-connection.ts";
import { RedisDataSet, type StoreLog } from "./redis-data-set.ts";
import {
  collectionKey,
  defineStoreScripts,
  EPOCH_KEY,
  isEpochError,
  pairs,
  type StoreScripts,
  VERSION_KEY,
} from "./redis-store-scripts.ts";
import { StateCopy } from "./state-copy.ts";
import type { Collection, Store, StoredDocument, WriteOp } from "./store.ts";

type Connection = Redis | Cluster;

const OPEN_DEADLINE_MS = 10_000;
// A FLUSHALL announces nothing: every node looks at the epoch this often.
const PROBE_MS = 1000;

export interface RedisStoreOptions {
  /** Connection errors; by default each distinct one is written once to stderr. */
  onError?: (err: Error) => void;
  log?: StoreLog;
  /** Keeps this node's copy of the shared state in `<dataDir>/portico.db` too. */
  dataDir?: string;
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
  private readonly listeners = new Set<(version: number) => void>();
  private readonly copy: StateCopy;
  private readonly dataSet: RedisDataSet;
  private probe: NodeJS.Timeout | undefined;

  private constructor(
    connections: { commands: Connection; subscriber: Connection; channel: string },
    copy: StateCopy,
    onError: (err: Error) => void,
    options: RedisStoreOptions,
  ) {
    this.commands = connections.commands;
    this.scripts = defineStoreScripts(this.commands);
    this.subscriber = connections.subscriber;
    this.channel = connections.channel;
    this.copy = copy;
    this.onError = onError;
    this.dataSet = new RedisDataSet({
      ...connections,
      scripts: this.scripts,
      copy,
      log: options.log ?? stderrLog,
      onError,
      announce: (version) => this.announce(version),
      dataDir: options.dataDir,
    });
  }

  /** Connects and subscribes; rejects with the reason when Redis cannot be reached. */
  static async open(url: string, options: RedisStoreOptions = {}): Promise<RedisStore> {
    const fallback = stderrReporter(redactRedisUrl(url));
    const report = options.onError ?? fallback.report;
    const copy = await StateCopy.open(options.dataDir, report);
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
    const channel = changesChannel(url);
    const store = new RedisStore({ commands, subscriber, channel }, copy, report, options);
    try {
      await withDeadline(store.start(), OPEN_DEADLINE_MS, "connecting");
    } catch (err) {
      await Promise.all([closeConnection(commands), closeConnection(subscriber), copy.close()]);
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
      const version = Number(message);
      if (channel === this.channel && Number.isSafeInteger(version)) this.dataSet.heard(version);
    });
    await this.subscriber.subscribe(this.channel);
    // After subscribing: a commit in between is then both seen here and heard, never missed.
    await this.dataSet.establish();
    // Messages published while the subscriber was away are lost: look at the state once it is back.
    this.subscriber.on("ready", () => this.dataSet.check());
    this.probe = setInterval(() => this.dataSet.check(), PROBE_MS);
    this.probe.unref();
  }

  async get(collection: Collection, key: string): Promise<unknown | undefined> {
    const text = (await this.fenced(() =>
      this.scripts.porticoRead(2, EPOCH_KEY, collectionKey(collection), this.dataSet.epoch, key),
    )) as string | null;
    return text === null ? undefined : JSON.parse(text);
  }

  async list(collection: Collection, prefix = ""): Promise<StoredDocument[]> {
    const flat = (await this.fenced(() =>
      this.scripts.porticoRead(2, EPOCH_KEY, collectionKey(collection), this.dataSet.epoch),
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
        const args = [this.channel, this.dataSet.epoch];
        ops.forEach((op, i) => {
          args.push(op.op, op.key, texts[i]!);
        });
        return this.scripts.porticoCommit(keys.length, ...keys, ...args);
      }),
    );
    // Tells this node's listeners now, as the other stores do, rather than when the message
    // comes back through the subscriber (which may be after the caller moved on).
    this.dataSet.committed(ops, texts, version);
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
    this.dataSet.close();
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
    await this.dataSet.reconcile();
    return this.send(command);
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
}
