import { randomUUID } from "node:crypto";
import { type Cluster, Redis } from "ioredis";
import { jsonCopy } from "./memory-store.ts";
import { connectRedis, parseRedisUrl, redactRedisUrl, redisKey, stderrReporter } from "./redis-connection.ts";
import type { Collection, Store, StoredDocument, WriteOp } from "./store.ts";

type Connection = Redis | Cluster;

const VERSION_KEY = redisKey("version");
// A random id written by the first open or commit: a different (or missing) one means the data set was
// replaced (flushed, restarted without persistence, failed over to an empty replica) and the
// version counter started again, so versions alone would no longer tell "changed" apart.
const EPOCH_KEY = redisKey("epoch");
const OPEN_DEADLINE_MS = 10_000;
const CATCH_UP_RETRY_MS = 250;

const collectionKey = (collection: Collection): string => redisKey("c", collection);

// Pub/sub channels ignore SELECT, so stores in different databases of one server need their own.
function changesChannel(url: string): string {
  const target = parseRedisUrl(url);
  return target.kind === "standalone" && target.db !== 0
    ? `portico:changes:db${target.db}`
    : "portico:changes";
}

// KEYS: version, epoch, then one hash per op. ARGV: channel, epoch candidate, then per op
// (kind, field, value). Redis does not roll a script back, so everything that could fail is
// checked before the first write: the batch applies whole or not at all.
const COMMIT_LUA = `
local ops = #KEYS - 2
for i = 1, ops do
  local t = redis.call('TYPE', KEYS[2 + i])['ok']
  if t ~= 'hash' and t ~= 'none' then
    return redis.error_reply('WRONGTYPE ' .. KEYS[2 + i] .. ' holds a ' .. t .. ', not a hash')
  end
end
local current = redis.call('GET', KEYS[1])
if current and not string.match(current, '^%d+$') then
  return redis.error_reply('ERR ' .. KEYS[1] .. ' is not a version number')
end
local epoch = redis.call('GET', KEYS[2])
for i = 1, ops do
  local base = 2 + (i - 1) * 3
  if ARGV[base + 1] == 'put' then
    redis.call('HSET', KEYS[2 + i], ARGV[base + 2], ARGV[base + 3])
  else
    redis.call('HDEL', KEYS[2 + i], ARGV[base + 2])
  end
end
if not epoch then
  epoch = ARGV[2]
  redis.call('SET', KEYS[2], epoch)
end
local version = redis.call('INCR', KEYS[1])
redis.call('PUBLISH', ARGV[1], version)
return {version, epoch}
`;

interface WithCommit {
  porticoCommit(numKeys: number, ...args: string[]): Promise<[number, string]>;
}

interface StoreState {
  epoch: string | null;
  version: number;
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
 */
export class RedisStore implements Store {
  private readonly commands: Connection;
  private readonly subscriber: Connection;
  private readonly channel: string;
  private readonly onError: (err: Error) => void;
  private readonly listeners = new Set<(version: number) => void>();
  /** The last state announced to listeners. */
  private announced: StoreState = { epoch: null, version: 0 };
  private closed = false;
  private catchUpWanted = false;
  private catchingUp = false;
  private catchUpTimer: NodeJS.Timeout | undefined;

  private constructor(
    commands: Connection,
    subscriber: Connection,
    channel: string,
    onError: (err: Error) => void,
  ) {
    this.commands = commands;
    this.subscriber = subscriber;
    this.channel = channel;
    this.onError = onError;
  }

  /** Connects and subscribes; rejects with the reason when Redis cannot be reached. */
  static async open(url: string, options: { onError?: (err: Error) => void } = {}): Promise<RedisStore> {
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
    commands.defineCommand("porticoCommit", { lua: COMMIT_LUA });
    const store = new RedisStore(commands, subscriber, changesChannel(url), report);
    try {
      await withDeadline(store.start(), OPEN_DEADLINE_MS, "connecting");
    } catch (err) {
      await Promise.all([closeConnection(commands), closeConnection(subscriber)]);
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
    // The epoch exists from the first open on, so every store starts out knowing it.
    await this.commands.set(EPOCH_KEY, randomUUID(), "NX");
    this.subscriber.on("message", (channel: string, message: string) => {
      if (channel === this.channel) this.heard(Number(message));
    });
    await this.subscriber.subscribe(this.channel);
    // Read after subscribing: a commit in between is then both read here and heard, never missed.
    this.announced = await this.readState();
    // Messages published while the subscriber was away are lost: look at the state once it is back.
    this.subscriber.on("ready", () => this.requestCatchUp());
  }

  async get(collection: Collection, key: string): Promise<unknown | undefined> {
    const text = await this.send(() => this.commands.hget(collectionKey(collection), key));
    return text === null ? undefined : JSON.parse(text);
  }

  async list(collection: Collection, prefix = ""): Promise<StoredDocument[]> {
    const all = await this.send(() => this.commands.hgetall(collectionKey(collection)));
    const out: StoredDocument[] = [];
    for (const [key, text] of Object.entries(all)) {
      if (key.startsWith(prefix)) out.push({ key, value: JSON.parse(text) });
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async commit(ops: WriteOp[]): Promise<number> {
    // Serialise everything before sending so a bad value leaves nothing written.
    const texts = ops.map((op) => (op.op === "put" ? JSON.stringify(jsonCopy(op.value)) : ""));
    const keys = [VERSION_KEY, EPOCH_KEY, ...ops.map((op) => collectionKey(op.collection))];
    const args = [this.channel, randomUUID()];
    ops.forEach((op, i) => {
      args.push(op.op, op.key, texts[i]!);
    });
    const [version, epoch] = await this.send(() =>
      (this.commands as unknown as WithCommit).porticoCommit(keys.length, ...keys, ...args),
    );
    // Tell this node's listeners now, as the other stores do, rather than when the message
    // comes back through the subscriber (which may be after the caller moved on).
    this.observe({ epoch: String(epoch), version: Number(version) });
    return Number(version);
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
    clearTimeout(this.catchUpTimer);
    await Promise.all([closeConnection(this.commands), closeConnection(this.subscriber)]);
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

  private async readState(): Promise<StoreState> {
    const [version, epoch] = await this.commands.mget(VERSION_KEY, EPOCH_KEY);
    return { epoch: epoch ?? null, version: Number(version ?? 0) };
  }

  private heard(version: number): void {
    if (!Number.isSafeInteger(version)) return;
    if (version > this.announced.version) {
      this.announced = { epoch: this.announced.epoch, version };
      this.announce(version);
    } else {
      // Usually the echo of this node's own commit, already announced; but it is also what a
      // counter that started again looks like, which only the epoch can tell.
      this.requestCatchUp();
    }
  }

  private observe(state: StoreState): void {
    if (state.epoch === this.announced.epoch && state.version <= this.announced.version) return;
    this.announced = state;
    this.announce(state.version);
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

  private requestCatchUp(): void {
    this.catchUpWanted = true;
    void this.catchUp();
  }

  private async catchUp(): Promise<void> {
    if (this.catchingUp) return;
    this.catchingUp = true;
    try {
      while (this.catchUpWanted && !this.closed) {
        this.catchUpWanted = false;
        // The resubscription was sent ahead of this on the same connection; once PING answers
        // it is in force and a state read now cannot miss a commit.
        if (this.subscriber instanceof Redis) await this.subscriber.ping();
        const state = await this.readState();
        if (!this.closed) this.observe(state);
      }
    } catch {
      // The command connection may not be back yet; the failure itself is reported by its
      // 'error' event.
      if (!this.closed && this.subscriber.status === "ready") {
        clearTimeout(this.catchUpTimer);
        this.catchUpTimer = setTimeout(() => this.requestCatchUp(), CATCH_UP_RETRY_MS);
        this.catchUpTimer.unref();
      }
    } finally {
      this.catchingUp = false;
    }
  }
}
