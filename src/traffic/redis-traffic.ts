import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import type { Cluster, Redis } from "ioredis";
import type { Logger } from "../observe/logger.ts";
import { connectRedis, redactRedisUrl, redisKey } from "../state/redis-connection.ts";
import type {
  Admission,
  Bucket,
  CachedResponse,
  QuotaCharge,
  ResponseCacheStore,
  SharedResults,
  TrafficBackend,
} from "./traffic-backend.ts";

/**
 * One decision for one request, atomically on the Redis server: refill every bucket by Redis's own
 * clock (so nodes' clocks do not matter), refuse if the quota is used up (2) or any bucket is empty
 * (1), else take a token from each and count the quota and the day (0).
 * KEYS: n buckets, then optionally the quota period counter and the day counter.
 * ARGV: n, rate/burst per bucket, then quota limit, period-counter expiry (unix s), day-counter TTL (s).
 */
const ADMIT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local n = tonumber(ARGV[1])
local tokens = {}
for i = 1, n do
  local rate = tonumber(ARGV[2 * i])
  local burst = tonumber(ARGV[2 * i + 1])
  local s = redis.call('HMGET', KEYS[i], 't', 'a')
  local tk = tonumber(s[1])
  local at = tonumber(s[2])
  if tk == nil or at == nil then
    tk = burst
  elseif now > at then
    tk = math.min(burst, tk + (now - at) * rate / 1000)
  else
    tk = math.min(burst, tk)
  end
  tokens[i] = tk
end
local q = 2 * n + 2
if #KEYS > n then
  local used = tonumber(redis.call('GET', KEYS[n + 1]) or '0')
  if used >= tonumber(ARGV[q]) then return 2 end
end
for i = 1, n do
  if tokens[i] < 1 then return 1 end
end
for i = 1, n do
  local rate = tonumber(ARGV[2 * i])
  local burst = tonumber(ARGV[2 * i + 1])
  redis.call('HSET', KEYS[i], 't', tostring(tokens[i] - 1), 'a', tostring(now))
  local full = 86400000
  if rate > 0 then full = math.min(full, math.ceil(burst * 1000 / rate) + 1000) end
  redis.call('PEXPIRE', KEYS[i], full)
end
if #KEYS > n then
  redis.call('INCR', KEYS[n + 1])
  redis.call('EXPIREAT', KEYS[n + 1], ARGV[q + 1])
  redis.call('INCR', KEYS[n + 2])
  redis.call('EXPIRE', KEYS[n + 2], ARGV[q + 2])
end
return 0
`;

/** The stage's current generation (bumped by a flush) names its entries, so a flush is O(1). */
const CACHE_GET = `
local g = redis.call('GET', KEYS[1]) or '0'
return redis.call('GET', ARGV[1] .. g .. ':' .. ARGV[2])
`;
const CACHE_SET = `
local g = redis.call('GET', KEYS[1]) or '0'
redis.call('SET', ARGV[1] .. g .. ':' .. ARGV[2], ARGV[3], 'PX', ARGV[4])
return 1
`;
const CACHE_DEL = `
local g = redis.call('GET', KEYS[1]) or '0'
return redis.call('DEL', ARGV[1] .. g .. ':' .. ARGV[2])
`;

type Scripted = (Redis | Cluster) & {
  porticoAdmit(...args: (string | number)[]): Promise<number>;
  porticoCacheGet(...args: (string | number)[]): Promise<string | null>;
  porticoCacheGetBuffer(...args: (string | number)[]): Promise<Buffer | null>;
  porticoCacheSet(...args: (string | number | Buffer)[]): Promise<number>;
  porticoCacheDel(...args: (string | number)[]): Promise<number>;
};

const USAGE_DAYS_KEPT_S = 95 * 86_400;

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
class Sealer {
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

/**
 * The stage cache on Redis: a hit stored by any node is a hit on every node. Entries of methods with
 * `caching/dataEncrypted` are sealed with AES-256-GCM under the configured `cacheEncryptionKey`
 * before they leave the process; without a key such methods are not cached on Redis at all.
 */
class RedisResponseCache implements ResponseCacheStore {
  private readonly redis: Scripted;
  private readonly failed: (err: unknown) => void;
  private readonly sealer: Sealer | undefined;
  private readonly log: Logger;
  private warned = false;

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
      const bytes = await this.redis.porticoCacheGetBuffer(1, gen, prefix, digest(key));
      if (bytes === null) return undefined;
      if (!encrypted) return decode(bytes);
      const opened = this.sealer!.open(bytes);
      return opened === undefined ? undefined : decode(opened);
    } catch (err) {
      this.failed(err);
      return undefined;
    }
  }

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
class RedisResults implements SharedResults {
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

/**
 * Cluster-wide traffic state on Redis: token buckets and quotas decided by one Lua script per request,
 * the response cache under per-stage generations. While Redis is unreachable, requests are admitted
 * (`failMode: open`, the default) or refused as throttled (`closed`); either way it is logged and
 * counted, and the gateway keeps serving.
 */
export class RedisTraffic implements TrafficBackend {
  private readonly redis: Scripted;
  private readonly failMode: "open" | "closed";
  private readonly log: Logger;
  private lastLogMs = 0;
  /** Decisions made without Redis since start. */
  unavailableCount = 0;
  readonly cache: RedisResponseCache;
  readonly results: RedisResults;

  private constructor(
    redis: Scripted,
    failMode: "open" | "closed",
    log: Logger,
    cacheKey: string | undefined,
  ) {
    this.redis = redis;
    this.failMode = failMode;
    this.log = log;
    this.cache = new RedisResponseCache(
      redis,
      (err) => this.unavailable(err),
      cacheKey === undefined ? undefined : new Sealer(cacheKey),
      log,
    );
    this.results = new RedisResults(redis, (err) => this.unavailable(err));
  }

  static async open(
    url: string,
    options: { failMode: "open" | "closed"; log: Logger; cacheEncryptionKey?: string },
  ): Promise<RedisTraffic> {
    const redis = connectRedis(url, {
      name: "portico-traffic",
      autoPipelining: true,
      onError: (err) => options.log.debug({ err: err.message }, "redis (traffic) connection error"),
    }) as Scripted;
    redis.defineCommand("porticoAdmit", { lua: ADMIT });
    redis.defineCommand("porticoCacheGet", { lua: CACHE_GET });
    redis.defineCommand("porticoCacheSet", { lua: CACHE_SET });
    redis.defineCommand("porticoCacheDel", { lua: CACHE_DEL });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`cannot reach Redis at ${redactRedisUrl(url)}`)), 5000);
      redis.once("ready", () => {
        clearTimeout(timer);
        resolve();
      });
    }).catch((err: unknown) => {
      redis.disconnect();
      throw err;
    });
    return new RedisTraffic(redis, options.failMode, options.log, options.cacheEncryptionKey);
  }

  admit(buckets: readonly Bucket[], quota: QuotaCharge | undefined): Promise<Admission> {
    const keys: string[] = [];
    const args: (string | number)[] = [buckets.length];
    for (const b of buckets) {
      keys.push(redisKey("bucket", b.key));
      args.push(b.rate, b.burst);
    }
    if (quota !== undefined) {
      keys.push(redisKey("quota", quota.subject, String(quota.periodStartMs)));
      keys.push(redisKey("usage", quota.subject, quota.day));
      // The period counter outlives its period by a day, for GetUsage's remaining figures.
      args.push(quota.limit, Math.ceil(quota.periodEndMs / 1000) + 86_400, USAGE_DAYS_KEPT_S);
    }
    return this.redis.porticoAdmit(keys.length, ...keys, ...args).then(
      (code) => (code === 0 ? "admitted" : code === 1 ? "throttled" : "quota-exceeded"),
      (err: unknown) => {
        this.unavailable(err);
        return this.failMode === "open" ? "admitted" : "throttled";
      },
    );
  }

  async dailyUsage(subject: string, days: readonly string[]): Promise<number[]> {
    if (days.length === 0) return [];
    const values = await this.redis.mget(...days.map((d) => redisKey("usage", subject, d)));
    return values.map((v) => Number(v ?? 0));
  }

  async periodUsage(subject: string, periodStartMs: number): Promise<number> {
    return Number((await this.redis.get(redisKey("quota", subject, String(periodStartMs)))) ?? 0);
  }

  private unavailable(err: unknown): void {
    this.unavailableCount++;
    const now = Date.now();
    if (now - this.lastLogMs < 10_000) return;
    this.lastLogMs = now;
    this.log.warn(
      {
        err: err instanceof Error ? err.message : String(err),
        failMode: this.failMode,
        count: this.unavailableCount,
      },
      "Redis unavailable for throttling, quotas or the cache",
    );
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
