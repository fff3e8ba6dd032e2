import { LRUCache } from "lru-cache";
import type { CachedResponse, ResponseCacheStore } from "./traffic-backend.ts";

/** Bytes an entry is charged: its body and headers, plus a little for the bookkeeping. */
export function entrySize(value: CachedResponse): number {
  let size = value.body.length + 64;
  for (const h of value.headers) size += h.length;
  return size;
}

/**
 * Each stage's cache in this process: least-recently-used eviction under the stage's byte bound (its
 * cache cluster size), per-entry TTL. Resizing a stage's cache drops its entries, as on AWS.
 */
export class LocalResponseCache implements ResponseCacheStore {
  private readonly stages = new Map<string, LRUCache<string, CachedResponse>>();

  get(stage: string, key: string): CachedResponse | undefined {
    return this.stages.get(stage)?.get(key);
  }

  set(stage: string, key: string, value: CachedResponse, ttlMs: number, capacityBytes: number): void {
    let lru = this.stages.get(stage);
    if (lru === undefined || lru.maxSize !== capacityBytes) {
      lru = new LRUCache<string, CachedResponse>({ maxSize: capacityBytes, sizeCalculation: entrySize });
      this.stages.set(stage, lru);
    }
    const size = entrySize(value);
    if (size > capacityBytes) return;
    lru.set(key, value, { ttl: ttlMs, size });
  }

  delete(stage: string, key: string): void {
    this.stages.get(stage)?.delete(key);
  }

  async flush(stage: string): Promise<void> {
    this.stages.delete(stage);
  }
}
