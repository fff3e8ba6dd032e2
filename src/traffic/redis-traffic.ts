import type { Logger } from "../logger.ts";
import { connectRedis, redactRedisUrl, redisKey } from "../state/redis-connection.ts";
import {
  ADMIT_BATCH,
  CACHE_DEL,
  CACHE_GET,
  CACHE_GET_BATCH,
  CACHE_SET,
  type Scripted,
} from "./redis-scripts.ts";
import { RedisResponseCache, RedisResults, Sealer } from "./redis-shared-cache.ts";
import type { Admission, Bucket, QuotaCharge, TrafficBackend } from "./traffic-backend.ts";

const USAGE_DAYS_KEPT_S = 95 * 86_400;

/** At most this many decisions go in one script call, so that no call holds Redis for long. */
const MAX_BATCH = 128;

const CODES: readonly Admission[] = ["admitted", "throttled", "quota-exceeded"];

/** The decisions asked for since the last call to Redis, laid out as ADMIT_BATCH takes them. */
interface Batch {
  /** Bucket keys, each once, with its index (1-based) and its rate and burst. */
  buckets: Map<string, number>;
  bucketKeys: string[];
  bucketArgs: number[];
  /** Quota counters: per subject and period, the period counter then the day counter. */
  counters: Map<string, number>;
  counterKeys: string[];
  decisions: (string | number)[];
  waiters: ((admission: Admission) => void)[];
}

const emptyBatch = (): Batch => ({
  buckets: new Map(),
  bucketKeys: [],
  bucketArgs: [],
  counters: new Map(),
  counterKeys: [],
  decisions: [],
  waiters: [],
});

/** Buckets are built at deploy time: each one's Redis key is worked out once. */
const bucketKeys = new WeakMap<Bucket, string>();
function bucketKey(b: Bucket): string {
  let key = bucketKeys.get(b);
  if (key === undefined) {
    key = redisKey("bucket", b.key);
    bucketKeys.set(b, key);
  }
  return key;
}

/**
 * Cluster-wide traffic state on Redis: token buckets and quotas decided by a Lua script, one call for
 * all the requests that arrived in the same turn of the event loop (each decision still exact and in
 * order), the response cache under per-stage generations. While Redis is unreachable, requests are admitted
 * (`failMode: open`, the default) or refused as throttled (`closed`); either way it is logged and
 * counted, and the gateway keeps serving.
 */
export class RedisTraffic implements TrafficBackend {
  private readonly redis: Scripted;
  private readonly failMode: "open" | "closed";
  private readonly log: Logger;
  private lastLogMs = Number.NEGATIVE_INFINITY;
  /** Decisions made without Redis since start. */
  unavailableCount = 0;
  readonly cache: RedisResponseCache;
  readonly results: RedisResults;
  private batch: Batch = emptyBatch();

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
    redis.defineCommand("porticoAdmitBatch", { lua: ADMIT_BATCH });
    redis.defineCommand("porticoCacheGet", { lua: CACHE_GET });
    redis.defineCommand("porticoCacheGetBatch", { lua: CACHE_GET_BATCH });
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
    const batch = this.batch;
    const { decisions, waiters } = batch;
    // The first decision of a batch sends it after this turn's other requests have joined it.
    if (waiters.length === 0) setImmediate(this.send);
    const sizeAt = decisions.length;
    decisions.push(0);
    let n = 0;
    for (const b of buckets) {
      const key = bucketKey(b);
      let index = batch.buckets.get(key);
      if (index === undefined) {
        index = batch.bucketKeys.push(key);
        batch.buckets.set(key, index);
        batch.bucketArgs.push(b.rate, b.burst);
      }
      // A bucket counts once per decision, as it would alone.
      if (decisions.indexOf(index, sizeAt + 1) !== -1) continue;
      decisions.push(index);
      n++;
    }
    decisions[sizeAt] = n;
    if (quota === undefined) decisions.push(0);
    else {
      const periodKey = redisKey("quota", quota.subject, String(quota.periodStartMs));
      let index = batch.counters.get(periodKey);
      if (index === undefined) {
        index = batch.counterKeys.push(periodKey, redisKey("usage", quota.subject, quota.day)) - 1;
        batch.counters.set(periodKey, index);
      }
      // The period counter outlives its period by a day, for GetUsage's remaining figures.
      decisions.push(index, quota.limit, Math.ceil(quota.periodEndMs / 1000) + 86_400, USAGE_DAYS_KEPT_S);
    }
    const decided = new Promise<Admission>((resolve) => waiters.push(resolve));
    if (waiters.length === MAX_BATCH) this.send();
    return decided;
  }

  /** Sends the pending decisions (if any) in one script call and settles each from its code. */
  private readonly send = (): void => {
    const { bucketKeys, bucketArgs, counterKeys, decisions, waiters } = this.batch;
    if (waiters.length === 0) return;
    this.batch = emptyBatch();
    const keys = bucketKeys.concat(counterKeys);
    const args = [bucketKeys.length, ...bucketArgs, waiters.length, ...decisions];
    this.redis.porticoAdmitBatch(keys.length, ...keys, ...args).then(
      (codes) => {
        for (let i = 0; i < waiters.length; i++) waiters[i]!(CODES[codes[i]!] ?? "throttled");
      },
      (err: unknown) => {
        const fallback: Admission = this.failMode === "open" ? "admitted" : "throttled";
        for (const settle of waiters) {
          this.unavailable(err);
          settle(fallback);
        }
      },
    );
  };

  async dailyUsage(subject: string, days: readonly string[]): Promise<number[]> {
    if (days.length === 0) return [];
    const values = await this.redis.mget(...days.map((d) => redisKey("usage", subject, d)));
    return values.map((v) => Number(v ?? 0));
  }

  async setPeriodUsage(
    subject: string,
    periodStartMs: number,
    periodEndMs: number,
    used: number,
  ): Promise<void> {
    const key = redisKey("quota", subject, String(periodStartMs));
    await this.redis.set(key, String(used), "EXAT", Math.ceil(periodEndMs / 1000) + 86_400);
  }

  async periodUsage(subject: string, periodStartMs: number): Promise<number> {
    return Number((await this.redis.get(redisKey("quota", subject, String(periodStartMs)))) ?? 0);
  }

  private unavailable(err: unknown): void {
    this.unavailableCount++;
    // Monotonic: a wall clock stepped back would silence this warning for as long.
    const now = performance.now();
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
