import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import type { Logger } from "../logger.ts";
import { redisKey } from "../state/redis-connection.ts";
import type { Scripted } from "./redis-scripts.ts";
import type { CachedResponse, ResponseCacheStore, SharedResults } from "./traffic-backend.ts";

/** A cached response as bytes: header length (4 bytes), `{s, h}` JSON, then the body. */
function encode(value: CachedResponse): Buffer {
  const head = Buffer.from(JSON.stringify({ s: value.statusCode, h: value.headers }));
  const len = Buffer.alloc(4);
  len.writeUInt32BE(head.length);
  return Buffer.concat([len, head, value.body]);
}

function decode(bytes: Buffer): CachedResponse | undefined {
  if (bytes.length < 4) return undefined;
  const n = bytes.readUInt32BE(0);
  if (4 + n > bytes.length) return undefined;
  const head = JSON.parse(bytes.subarray(4, 4 + n).toString("utf8")) as { s: number; h: string[] };
  return { statusCode: head.s, headers: head.h, body: bytes.subarray(4 + n) };
}

const digest = (key: string) => createHash("sha256").update(key).digest("hex");

/** AES-256-GCM with a key derived from the configured secret: nonce (12) ‖ tag (16) ‖ ciphertext. */
export class Sealer {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = createHash("sha256").update(`portico cache encryption\u0000${secret}`).digest();
  }

  seal(plain: Buffer): Buffer {
    const nonce = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, nonce);
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([nonce, cipher.getAuthTag(), body]);
  }

  /** Undefined when the entry was not sealed with this key (or was tampered with). */
  open(sealed: Buffer): Buffer | undefined {
    if (sealed.length < 28) return undefined;
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.key, sealed.subarray(0, 12));
      decipher.setAuthTag(sealed.subarray(12, 28));
      return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]);
    } catch {
      return undefined;
    }
  }
}

/** At most this many lookups go in one script call. */
const MAX_LOOKUPS = 128;

interface Lookup {
  gen: string;
  prefix: string;
  field: string;
  settle: (bytes: Buffer | null | Error) => void;
}

/**
 * The stage cache on Redis: a hit stored by any node is a hit on every node. The lookups of all the
 * requests of one event-loop turn go to Redis in one script call. Entries of methods with
 * `caching/dataEncrypted` are sealed with AES-256-GCM under the configured `cacheEncryptionKey`
 * before they leave the process; without a key such methods are not cached on Redis at all.
 */
export class RedisResponseCache implements ResponseCacheStore {
  private readonly redis: Scripted;
  private readonly failed: (err: unknown) => void;
  private readonly sealer: Sealer | undefined;
  private readonly log: Logger;
  private warned = false;
  private lookups: Lookup[] = [];

  constructor(redis: Scripted, failed: (err: unknown) => void, sealer: Sealer | undefined, log: Logger) {
    this.redis = redis;
    this.failed = failed;
    this.sealer = sealer;
    this.log = log;
  }

  private cannotSeal(): boolean {
    if (this.sealer !== undefined) return false;
    if (!this.warned) {
      this.warned = true;
      this.log.warn(
        "caching/dataEncrypted is set but no cacheEncryptionKey is configured: not caching those methods on Redis",
      );
    }
    return true;
  }

  private names(stage: string): [string, string] {
    return [redisKey("cachegen", stage), `${redisKey("cache", stage)}:`];
  }

  async get(stage: string, key: string, encrypted = false): Promise<CachedResponse | undefined> {
    if (encrypted && this.cannotSeal()) return undefined;
    const [gen, prefix] = this.names(stage);
    try {
      const bytes = await this.lookUp(gen, prefix, digest(key));
      if (bytes === null) return undefined;
      if (!encrypted) return decode(bytes);
      const opened = this.sealer!.open(bytes);
      return opened === undefined ? undefined : decode(opened);
    } catch (err) {
      this.failed(err);
      return undefined;
    }
  }

  private lookUp(gen: string, prefix: string, field: string): Promise<Buffer | null> {
    return new Promise((resolve, reject) => {
      // The first lookup of a batch sends it after this turn's other requests have joined it.
      if (this.lookups.length === 0) setImmediate(this.sendLookups);
      this.lookups.push({
        gen,
        prefix,
        field,
        settle: (bytes) => (bytes instanceof Error ? reject(bytes) : resolve(bytes)),
      });
      if (this.lookups.length === MAX_LOOKUPS) this.sendLookups();
    });
  }

  private readonly sendLookups = (): void => {
    const batch = this.lookups;
    if (batch.length === 0) return;
    this.lookups = [];
    const keys: string[] = [];
    const args: string[] = [];
    for (const l of batch) {
      keys.push(l.gen);
      args.push(l.prefix, l.field);
    }
    this.redis.porticoCacheGetBatchBuffer(keys.length, ...keys, ...args).then(
      (values) => {
        for (let i = 0; i < batch.length; i++) batch[i]!.settle(values[i] ?? null);
      },
      (err: unknown) => {
        const error = err instanceof Error ? err : new Error(String(err));
        for (const l of batch) l.settle(error);
      },
    );
  };

  set(
    stage: string,
    key: string,
    value: CachedResponse,
    ttlMs: number,
    _capacity = 0,
    encrypted = false,
  ): void {
    if (encrypted && this.cannotSeal()) return;
    const [gen, prefix] = this.names(stage);
    const bytes = encrypted ? this.sealer!.seal(encode(value)) : encode(value);
    this.redis.porticoCacheSet(1, gen, prefix, digest(key), bytes, ttlMs).catch(this.failed);
  }

  async delete(stage: string, key: string): Promise<void> {
    const [gen, prefix] = this.names(stage);
    await this.redis.porticoCacheDel(1, gen, prefix, digest(key)).catch(this.failed);
  }

  async flush(stage: string): Promise<void> {
    await this.redis.incr(this.names(stage)[0]);
  }
}

/** Lambda authorizer results on Redis, one generation per namespace (a stage) like the cache's. */
export class RedisResults implements SharedResults {
  private readonly redis: Scripted;
  private readonly failed: (err: unknown) => void;

  constructor(redis: Scripted, failed: (err: unknown) => void) {
    this.redis = redis;
    this.failed = failed;
  }

  private names(namespace: string): [string, string] {
    return [redisKey("authzgen", namespace), `${redisKey("authz", namespace)}:`];
  }

  async get(namespace: string, key: string): Promise<string | undefined> {
    const [gen, prefix] = this.names(namespace);
    try {
      return (await this.redis.porticoCacheGet(1, gen, prefix, digest(key))) ?? undefined;
    } catch (err) {
      this.failed(err);
      return undefined;
    }
  }

  set(namespace: string, key: string, value: string, ttlMs: number): void {
    const [gen, prefix] = this.names(namespace);
    this.redis.porticoCacheSet(1, gen, prefix, digest(key), value, ttlMs).catch(this.failed);
  }

  async flush(namespace: string): Promise<void> {
    await this.redis.incr(this.names(namespace)[0]);
  }
}
