import { randomBytes } from "node:crypto";
import { Cluster, type Redis } from "ioredis";
import type { Logger } from "../logger.ts";
import { connectRedis, redactRedisUrl, redisKeyPrefix } from "../state/redis-connection.ts";
import type { HeldConnection as Held } from "./local-registry.ts";
import { ready, shut, withDeadline } from "./redis-lifecycle.ts";
import type {
  ConnectionInfo,
  ConnectionRegistry,
  ConnectionState,
  LocalSocket,
  SendResult,
} from "./registry.ts";

type Connection = Redis | Cluster;
type Commands = Connection & {
  porticoWsTouch(numKeys: number, ...keysThenArgs: (string | number)[]): Promise<unknown>;
};

// Every key carries the `{ws}` hash tag: on Redis Cluster they share one slot, so a pipeline, a
// MULTI or a script may touch any number of them.
const PREFIX = `${redisKeyPrefix}{ws}:`;
const connKey = (connectionId: string) => `${PREFIX}conn:${connectionId}`;
const nodeChannel = (nodeId: string) => `${PREFIX}node:${nodeId}`;
const nodeSetKey = (nodeId: string) => `${PREFIX}node:${nodeId}:conns`;

/**
 * Sets lastActiveAt on the connections that still exist: a touch that lands after the connection
 * was forgotten (or expired) must not bring back a hash without info or TTL.
 * KEYS: connection hashes; ARGV: their lastActiveAt, in the same order.
 */
const TOUCH = `
for i = 1, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then redis.call('HSET', KEYS[i], 'lastActiveAt', ARGV[i]) end
end
return #KEYS
`;

/** LastActiveAt reaches Redis at most this often per connection; the holding node knows it exactly. */
const TOUCH_EVERY_MS = 1000;
/** At most this many connections per touch script, so that no call holds Redis for long. */
const MAX_TOUCH_BATCH = 256;
const OPEN_DEADLINE_MS = 5000;

export interface RedisRegistryOptions {
  log: Logger;
  /**
   * How long a connection outlives the last heartbeat of the node holding it (default 30 s): a node
   * that dies takes its connections with it within this long. Heartbeats go every third of it.
   */
  heartbeatTtlMs?: number;
  /** How long a post or delete relayed to another node waits for its answer before "gone" (default 2 s). */
  replyTimeoutMs?: number;
}

/** A command relayed to the holding node, or its answer; travels as JSON, a newline, then the data. */
interface Wire {
  k: "post" | "remove" | "reply";
  /** Request id, unique on the asking node. */
  r: string;
  /** The asking node (commands only). */
  f?: string;
  c?: string;
  /** The posted data is binary (a Buffer), not text. */
  b?: boolean;
  ok?: boolean;
  /** A post's answer: the holder's socket buffer was full (the post was not sent). */
  full?: boolean;
}

/** How a relayed command ended: done, refused (gone), or (posts) not sent because the buffer is full. */
type Answer = "ok" | "no" | "full";

function encode(head: Wire, payload?: Buffer): Buffer {
  const text = Buffer.from(`${JSON.stringify(head)}\n`);
  return payload === undefined ? text : Buffer.concat([text, payload]);
}

/**
 * The connection registry across a cluster of gateway nodes on one Redis. Each node holds its own
 * sockets and advertises them as `portico:{ws}:conn:<id>` hashes (info, lastActiveAt, nodeId) whose
 * TTL its heartbeat keeps renewing; a node that stops (crash, partition) loses them within the TTL.
 * A post or delete for a socket held elsewhere is published on the holder's channel
 * (`portico:{ws}:node:<nodeId>`), which answers on the asker's. Redis failures are logged and read
 * as "gone": a node keeps serving the sockets it holds while Redis is away, and its heartbeat writes
 * them back when Redis returns empty.
 */
export class RedisConnectionRegistry implements ConnectionRegistry {
  /** This node's name in Redis: random, so a restarted node never answers for its predecessor. */
  readonly nodeId = randomBytes(9).toString("base64url");
  private readonly redis: Commands;
  private readonly subscriber: Connection;
  private readonly log: Logger;
  private readonly ttlMs: number;
  private readonly replyTimeoutMs: number;
  private readonly held = new Map<string, Held>();
  private readonly pending = new Map<string, (answer: Answer) => void>();
  private readonly dirty = new Set<string>();
  private requests = 0;
  private heartbeat: NodeJS.Timeout | undefined;
  private touchTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private failures = 0;
  private lastLogMs = Number.NEGATIVE_INFINITY;

  private constructor(
    connections: { redis: Connection; subscriber: Connection },
    options: RedisRegistryOptions,
  ) {
    this.redis = connections.redis as Commands;
    this.redis.defineCommand("porticoWsTouch", { lua: TOUCH });
    this.subscriber = connections.subscriber;
    this.log = options.log;
    this.ttlMs = options.heartbeatTtlMs ?? 30_000;
    this.replyTimeoutMs = options.replyTimeoutMs ?? 2000;
  }

  /** Connects (a command and a subscriber connection) and subscribes; rejects when Redis cannot be reached. */
  static async open(url: string, options: RedisRegistryOptions): Promise<RedisConnectionRegistry> {
    const onError = (err: Error) =>
      options.log.debug({ err: err.message }, "redis (websocket registry) connection error");
    const redis = connectRedis(url, { name: "portico-ws", onError });
    const subscriber = connectRedis(url, { name: "portico-ws-relay", subscriber: true, onError });
    try {
      return await RedisConnectionRegistry.start({ redis, subscriber }, options);
    } catch (err) {
      redis.disconnect();
      subscriber.disconnect();
      throw new Error(`cannot reach Redis at ${redactRedisUrl(url)}: ${(err as Error).message}`);
    }
  }

  /**
   * On connections made by the caller (see connectRedis; the subscriber one with `subscriber: true`),
   * which the registry owns from now on and closes in `close`.
   */
  static async start(
    connections: { redis: Connection; subscriber: Connection },
    options: RedisRegistryOptions,
  ): Promise<RedisConnectionRegistry> {
    await withDeadline(ready(connections.redis), OPEN_DEADLINE_MS, "connecting");
    const registry = new RedisConnectionRegistry(connections, options);
    connections.subscriber.on("messageBuffer", registry.heard);
    await withDeadline(
      connections.subscriber.subscribe(nodeChannel(registry.nodeId)),
      OPEN_DEADLINE_MS,
      "subscribing",
    );
    registry.heartbeat = setInterval(registry.beat, Math.max(1, Math.floor(registry.ttlMs / 3)));
    registry.heartbeat.unref();
    return registry;
  }

  async add(info: ConnectionInfo, socket: LocalSocket): Promise<void> {
    if (this.closed) return;
    // Held before it is advertised: a post relayed here as soon as the hash exists finds the socket.
    this.held.set(info.connectionId, { info, socket, lastActiveAt: Date.now() });
    await this.advertise([info.connectionId]);
  }

  async get(connectionId: string): Promise<ConnectionState | undefined> {
    const entry = this.held.get(connectionId);
    if (entry !== undefined) return { ...entry.info, lastActiveAt: entry.lastActiveAt };
    if (this.closed) return undefined;
    try {
      const [info, lastActiveAt] = await this.redis.hmget(connKey(connectionId), "info", "lastActiveAt");
      if (info === null || info === undefined) return undefined;
      return { ...(JSON.parse(info) as ConnectionInfo), lastActiveAt: Number(lastActiveAt) };
    } catch (err) {
      this.failed(err);
      return undefined;
    }
  }

  touch(connectionId: string): void {
    const entry = this.held.get(connectionId);
    if (entry === undefined) return;
    entry.lastActiveAt = Date.now();
    if (this.dirty.has(connectionId)) return;
    this.dirty.add(connectionId);
    if (this.touchTimer === undefined) {
      this.touchTimer = setTimeout(this.flushTouches, TOUCH_EVERY_MS);
      this.touchTimer.unref();
    }
  }

  async post(connectionId: string, data: Buffer | string): Promise<SendResult> {
    if (this.held.has(connectionId)) return this.postHere(connectionId, data);
    const owner = await this.ownerOf(connectionId);
    if (owner === undefined) return "gone";
    const binary = typeof data !== "string";
    const answer = await this.ask(owner, { k: "post", r: "", c: connectionId, b: binary }, Buffer.from(data));
    return answer === "ok" ? "sent" : answer === "full" ? "full" : "gone";
  }

  async remove(connectionId: string): Promise<boolean> {
    if (this.held.has(connectionId)) return this.removeHere(connectionId);
    const owner = await this.ownerOf(connectionId);
    if (owner === undefined) return false;
    return (await this.ask(owner, { k: "remove", r: "", c: connectionId })) === "ok";
  }

  async forget(connectionId: string): Promise<void> {
    // Only the holder takes a connection out of Redis: another node's forget must not hide a live
    // socket (which the holder's heartbeat would then write back).
    if (!this.held.delete(connectionId)) return;
    this.dirty.delete(connectionId);
    if (this.closed) return;
    await this.redis
      .multi()
      .del(connKey(connectionId))
      .srem(nodeSetKey(this.nodeId), connectionId)
      .exec()
      .catch(this.failed);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    clearTimeout(this.touchTimer);
    for (const settle of [...this.pending.values()]) settle("no");
    const ids = [...this.held.keys()];
    this.held.clear();
    this.dirty.clear();
    this.subscriber.off("messageBuffer", this.heard);
    if (this.redis.status === "ready") {
      const pipe = this.redis.pipeline();
      for (const id of ids) pipe.del(connKey(id));
      pipe.del(nodeSetKey(this.nodeId));
      await withDeadline(pipe.exec(), 2000, "removing this node's connections").catch(this.failed);
    }
    if (this.subscriber.status === "ready") {
      await withDeadline(this.subscriber.unsubscribe(), 1000, "UNSUBSCRIBE").catch(() => undefined);
    }
    await Promise.all([shut(this.redis), shut(this.subscriber)]);
  }

  private postHere(connectionId: string, data: Buffer | string): SendResult {
    const entry = this.held.get(connectionId);
    if (entry === undefined) return "gone";
    const result = entry.socket.send(data);
    // A socket that refuses to send has closed: the connection is gone, whether or not its close
    // event has reached the data plane yet.
    if (result === "gone") void this.forget(connectionId);
    else if (result === "sent") this.touch(connectionId);
    return result;
  }

  private removeHere(connectionId: string): boolean {
    const entry = this.held.get(connectionId);
    if (entry === undefined) return false;
    // Forgotten first: a GET right after DeleteConnection is already 410, while the close handshake
    // may still be under way.
    void this.forget(connectionId);
    entry.socket.close();
    return true;
  }

  /** The node holding a connection another node advertised; undefined when none does (or Redis fails). */
  private async ownerOf(connectionId: string): Promise<string | undefined> {
    if (this.closed) return undefined;
    try {
      const owner = await this.redis.hget(connKey(connectionId), "nodeId");
      // Our own name on a connection we do not hold: it was forgotten a moment ago.
      return owner === null || owner === this.nodeId ? undefined : owner;
    } catch (err) {
      this.failed(err);
      return undefined;
    }
  }

  /** Relays a command to the node holding the connection; "no" when it says so or does not answer. */
  private ask(owner: string, head: Wire, payload?: Buffer): Promise<Answer> {
    const r = String(++this.requests);
    return new Promise((resolve) => {
      const timer = setTimeout(() => settle("no"), this.replyTimeoutMs);
      const settle = (answer: Answer) => {
        clearTimeout(timer);
        this.pending.delete(r);
        resolve(answer);
      };
      this.pending.set(r, settle);
      this.redis.publish(nodeChannel(owner), encode({ ...head, r, f: this.nodeId }, payload)).then(
        (receivers) => {
          // Nobody listens on a dead node's channel, so there is no point waiting for it. On Cluster
          // the count covers only the clients of the node published to: no conclusion there.
          if (receivers === 0 && !(this.redis instanceof Cluster)) settle("no");
        },
        (err: unknown) => {
          this.failed(err);
          settle("no");
        },
      );
    });
  }

  /** A message on this node's channel: a command for a socket held here, or the answer to ours. */
  private readonly heard = (_channel: Buffer, message: Buffer): void => {
    const newline = message.indexOf(0x0a);
    if (newline === -1) return;
    let head: Wire;
    try {
      head = JSON.parse(message.subarray(0, newline).toString("utf8")) as Wire;
    } catch {
      return;
    }
    if (head.k === "reply") {
      this.pending.get(head.r)?.(head.ok === true ? "ok" : head.full === true ? "full" : "no");
      return;
    }
    if (typeof head.c !== "string" || typeof head.f !== "string" || this.closed) return;
    const payload = message.subarray(newline + 1);
    let reply: Wire;
    if (head.k === "remove") reply = { k: "reply", r: head.r, ok: this.removeHere(head.c) };
    else if (head.k === "post") {
      const sent = this.postHere(head.c, head.b === true ? Buffer.from(payload) : payload.toString());
      reply = { k: "reply", r: head.r, ok: sent === "sent", ...(sent === "full" ? { full: true } : {}) };
    } else return;
    // Sent after the DEL a forget above issued on the same connection, so the asker that hears
    // this answer reads the connection as gone too.
    this.redis.publish(nodeChannel(head.f), encode(reply)).catch(this.failed);
  };

  /** Writes the hashes of connections held here, each with a fresh TTL, and lists them in the node's set. */
  private advertise(ids: string[]): Promise<void> {
    const multi = this.redis.multi();
    const listed: string[] = [];
    for (const id of ids) {
      const entry = this.held.get(id);
      if (entry === undefined) continue;
      const { connectionId, apiId, stage, connectedAt, sourceIp, userAgent } = entry.info;
      const info = JSON.stringify({ connectionId, apiId, stage, connectedAt, sourceIp, userAgent });
      multi.hset(connKey(id), "info", info, "lastActiveAt", entry.lastActiveAt, "nodeId", this.nodeId);
      multi.pexpire(connKey(id), this.ttlMs);
      listed.push(id);
    }
    if (listed.length === 0) return Promise.resolve();
    multi.sadd(nodeSetKey(this.nodeId), ...listed).pexpire(nodeSetKey(this.nodeId), this.ttlMs);
    return multi.exec().then(() => undefined, this.failed);
  }

  /** Renews the TTL of every connection held here, in one pipeline; writes back any Redis lost. */
  private readonly beat = (): void => {
    if (this.held.size === 0 || this.closed) return;
    const ids = [...this.held.keys()];
    const pipe = this.redis.pipeline();
    for (const id of ids) pipe.pexpire(connKey(id), this.ttlMs);
    pipe.pexpire(nodeSetKey(this.nodeId), this.ttlMs);
    pipe.exec().then((results) => {
      // 0: the hash is gone though the socket is still held (Redis restarted empty, or failed over
      // to a replica that never saw it).
      const lost = ids.filter((_id, i) => results?.[i]?.[1] === 0);
      if (lost.length > 0) return this.advertise(lost);
    }, this.failed);
  };

  private readonly flushTouches = (): void => {
    this.touchTimer = undefined;
    const keys: string[] = [];
    const times: number[] = [];
    for (const id of this.dirty) {
      const entry = this.held.get(id);
      if (entry === undefined) continue;
      keys.push(connKey(id));
      times.push(entry.lastActiveAt);
    }
    this.dirty.clear();
    if (this.closed) return;
    for (let i = 0; i < keys.length; i += MAX_TOUCH_BATCH) {
      const batch = keys.slice(i, i + MAX_TOUCH_BATCH);
      this.redis
        .porticoWsTouch(batch.length, ...batch, ...times.slice(i, i + MAX_TOUCH_BATCH))
        .catch(this.failed);
    }
  };

  private readonly failed = (err: unknown): void => {
    this.failures++;
    // Monotonic: a wall clock stepped back would silence this warning for as long.
    const now = performance.now();
    if (now - this.lastLogMs < 10_000) return;
    this.lastLogMs = now;
    this.log.warn(
      { err: err instanceof Error ? err.message : String(err), failures: this.failures },
      "Redis unavailable for the WebSocket connection registry: treating connections as gone",
    );
  };
}
