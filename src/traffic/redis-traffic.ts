import type { Logger } from "../observe/logger.ts";
import { connectRedis, redactRedisUrl, redisKey } from "../state/redis-connection.ts";
import { ADMIT, CACHE_DEL, CACHE_GET, CACHE_SET, type Scripted } from "./redis-scripts.ts";
import { RedisResponseCache, RedisResults, Sealer } from "./redis-shared-cache.ts";
import type { Admission, Bucket, QuotaCharge, TrafficBackend } from "./traffic-backend.ts";

const USAGE_DAYS_KEPT_S = 95 * 86_400;

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
