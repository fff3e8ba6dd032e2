import type { SharedResults } from "../../traffic/traffic-backend.ts";

/** Where results are shared between nodes (Redis), and under which flushable namespace. */
export interface SharedAuthorizerCache {
  readonly results: SharedResults;
  /** `{apiId}/{stage}` */
  readonly namespace: string;
}

/** The shared cache of a stage, when the gateway shares state (Redis); undefined in process. */
export function sharedAuthorizerCache(
  results: SharedResults | undefined,
  namespace: string,
): SharedAuthorizerCache | undefined {
  return results === undefined ? undefined : { results, namespace };
}

/** Past this many identities the local map starts again: identities are unbounded in number. */
const LOCAL_LIMIT = 10_000;
/** With a shared cache, a local copy lives at most this long, so a flush elsewhere is seen soon. */
const SHARED_LOCAL_MS = 1000;

/**
 * A Lambda authorizer's results by identity, for `authorizerResultTtlInSeconds`: in this process, and
 * on Redis when the gateway shares state, where what the function returned is kept (as JSON) and
 * rebuilt with `build` on another node. REST and HTTP API authorizers both use it.
 */
export class AuthorizerResults<E extends { readonly expires: number }> {
  private readonly local = new Map<string, E>();
  private readonly ttlMs: number;
  private readonly authorizerId: string;
  private readonly build: (raw: unknown, expires: number) => E | undefined;
  private readonly shared: SharedAuthorizerCache | undefined;

  constructor(options: {
    /** 0 disables caching. */
    ttlMs: number;
    authorizerId: string;
    build: (raw: unknown, expires: number) => E | undefined;
    shared?: SharedAuthorizerCache;
  }) {
    this.ttlMs = options.ttlMs;
    this.authorizerId = options.authorizerId;
    this.build = options.build;
    this.shared = options.shared;
  }

  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  private remember(key: string, entry: E): void {
    if (this.local.size >= LOCAL_LIMIT) this.local.clear();
    const expires =
      this.shared === undefined ? entry.expires : Math.min(entry.expires, Date.now() + SHARED_LOCAL_MS);
    this.local.set(key, expires === entry.expires ? entry : { ...entry, expires });
  }

  /** A live entry, from this node's map or (on Redis) from any node's. */
  async get(key: string): Promise<E | undefined> {
    if (!this.enabled) return undefined;
    const local = this.local.get(key);
    if (local !== undefined && local.expires > Date.now()) return local;
    if (this.shared === undefined) return undefined;
    const text = await this.shared.results.get(this.shared.namespace, `${this.authorizerId}\u0000${key}`);
    if (text === undefined) return undefined;
    try {
      const stored = JSON.parse(text) as { r: unknown; e: number };
      const entry = this.build(stored.r, stored.e);
      if (entry === undefined || entry.expires <= Date.now()) return undefined;
      this.remember(key, entry);
      return entry;
    } catch {
      return undefined;
    }
  }

  /** Keeps a fresh result: `raw` is what the function returned, `entry` what `build` made of it. */
  put(key: string, raw: unknown, entry: E): void {
    if (!this.enabled) return;
    this.remember(key, entry);
    this.shared?.results.set(
      this.shared.namespace,
      `${this.authorizerId}\u0000${key}`,
      JSON.stringify({ r: raw, e: entry.expires }),
      this.ttlMs,
    );
  }
}
