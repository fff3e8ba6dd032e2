/**
 * Where throttling buckets, quota counters and cached responses live: in this process (embedded) or
 * in Redis (scale-out, every node sees the same state). The data plane asks one question per request
 * — may it pass every applicable bucket and its quota? — and answers it all or nothing.
 */

/** A token bucket: `rate` tokens a second refill it up to `burst`; a request takes one token. */
export interface Bucket {
  readonly key: string;
  readonly rate: number;
  readonly burst: number;
}

/** One request's charge against its usage plan's quota. */
export interface QuotaCharge {
  /** `{planId}/{keyId}` */
  readonly subject: string;
  readonly limit: number;
  /** Start of the current quota period (ms), part of the counter's name. */
  readonly periodStartMs: number;
  readonly periodEndMs: number;
  /** `YYYY-MM-DD` (UTC) of the request, for GetUsage's per-day figures. */
  readonly day: string;
}

export type Admission = "admitted" | "throttled" | "quota-exceeded";

/** A response as the cache keeps it. */
export interface CachedResponse {
  readonly statusCode: number;
  /** Flat `[name, value, …]`, without the per-request id headers. */
  readonly headers: readonly string[];
  readonly body: Buffer;
}

export interface ResponseCacheStore {
  /** `encrypted`: the entry was stored encrypted (`caching/dataEncrypted`), where that applies. */
  get(
    stage: string,
    key: string,
    encrypted?: boolean,
  ): CachedResponse | undefined | Promise<CachedResponse | undefined>;
  set(
    stage: string,
    key: string,
    value: CachedResponse,
    ttlMs: number,
    capacityBytes: number,
    encrypted?: boolean,
  ): void;
  delete(stage: string, key: string): void | Promise<void>;
  /** Drops every entry of a stage (FlushStageCache). */
  flush(stage: string): Promise<void>;
}

/**
 * Small values shared by every node, with a TTL, under namespaces that can be flushed at once: the
 * Lambda authorizers' results on Redis. Absent in-process, where each compiled authorizer keeps its own.
 */
export interface SharedResults {
  get(namespace: string, key: string): Promise<string | undefined>;
  set(namespace: string, key: string, value: string, ttlMs: number): void;
  flush(namespace: string): Promise<void>;
}

export interface TrafficBackend {
  readonly results?: SharedResults;
  /** Decisions made without the shared store (Redis unreachable), since start. */
  readonly unavailableCount?: number;
  /** Takes a token from every bucket and counts the quota, only if all of them allow it. */
  admit(buckets: readonly Bucket[], quota: QuotaCharge | undefined): Admission | Promise<Admission>;
  /** Requests counted per day (`YYYY-MM-DD` → count) for `{planId}/{keyId}`. */
  dailyUsage(subject: string, days: readonly string[]): Promise<number[]>;
  /** Requests counted in the quota period that starts at `periodStartMs`. */
  periodUsage(subject: string, periodStartMs: number): Promise<number>;
  /** Sets the count of the period (UpdateUsage). */
  setPeriodUsage(subject: string, periodStartMs: number, periodEndMs: number, used: number): Promise<void>;
  readonly cache: ResponseCacheStore;
  close(): Promise<void>;
}
