import { Pool } from "undici";

/**
 * One keep-alive connection pool per backend origin, shared by every deployment that points at
 * it: a redeploy must not drop warm connections. Origins come from integration URIs (which may
 * carry stage variables), so the map grows with the set of distinct backends, not with traffic.
 */
export class Upstreams {
  private readonly pools = new Map<string, Pool>();

  pool(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (pool === undefined) {
      pool = new Pool(origin, { pipelining: 1, keepAliveTimeout: 4_000, connect: { timeout: 10_000 } });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  /**
   * Called once the data plane has drained: whatever is still waiting on a backend then was
   * abandoned at the drain deadline, so it is cut off rather than waited for (a graceful close would
   * wait up to the integration timeout).
   */
  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.allSettled(pools.map((p) => p.destroy()));
  }
}
