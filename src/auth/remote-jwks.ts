import { createLocalJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from "jose";

/** Milliseconds from an arbitrary origin that never go backwards. */
type Clock = () => number;

export interface RemoteJwksOptions {
  /** Where the key set is; may itself fetch (OpenID discovery). */
  locate: () => Promise<string>;
  fetch: (url: string) => Promise<unknown>;
  /** Past this age a request starts a refresh in the background and is verified with the keys held. */
  maxAgeMs?: number;
  /** A token with an unknown `kid`, or a failed fetch, triggers a new fetch at most this often. */
  cooldownMs?: number;
  clock?: Clock;
}

/** The key set could not be had and none is held: the token cannot be verified. */
export class KeysUnavailableError extends Error {
  readonly code = "ERR_KEYS_UNAVAILABLE";
}

interface Held {
  keys: ReturnType<typeof createLocalJWKSet>;
  fetchedAt: number;
}

/**
 * An issuer's signing keys for `jwtVerify`, fetched once and then served from memory
 * (stale-while-revalidate): an old set is refreshed in the background, an unknown `kid` waits for one
 * refresh, and a failed refresh keeps the keys already held, so an issuer that goes away never takes
 * down tokens it signed with keys we have. Concurrent requests share one fetch.
 */
export class RemoteJwks {
  private readonly options: Required<RemoteJwksOptions>;
  private held: Held | undefined;
  private refreshing: Promise<Held> | undefined;
  private lastAttemptAt = Number.NEGATIVE_INFINITY;
  private lastFailure: Error | undefined;

  constructor(options: RemoteJwksOptions) {
    this.options = {
      maxAgeMs: 10 * 60_000,
      cooldownMs: 1000,
      clock: () => performance.now(),
      ...options,
    };
  }

  readonly getKey: JWTVerifyGetKey = async (header, token) => {
    const now = this.options.clock();
    const held = this.held;
    if (held === undefined) {
      // After a failure, fail fast until the cooldown ends rather than make every request wait.
      if (this.lastFailure !== undefined && now - this.lastAttemptAt < this.options.cooldownMs)
        throw new KeysUnavailableError(this.lastFailure.message);
      return (await this.refresh()).keys(header, token);
    }
    const cooled = now - this.lastAttemptAt >= this.options.cooldownMs;
    if (now - held.fetchedAt > this.options.maxAgeMs && cooled) void this.refresh().catch(() => undefined);
    try {
      return await held.keys(header, token);
    } catch (err) {
      const unknownKid = (err as { code?: string }).code === "ERR_JWKS_NO_MATCHING_KEY";
      if (!unknownKid || (!cooled && this.refreshing === undefined)) throw err;
      // Perhaps a rotated key: look once; if the issuer cannot say, the token stays unverifiable.
      const fresh = await this.refresh().catch(() => {
        throw err;
      });
      return fresh.keys(header, token);
    }
  };

  private refresh(): Promise<Held> {
    this.refreshing ??= this.fetchKeys().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async fetchKeys(): Promise<Held> {
    this.lastAttemptAt = this.options.clock();
    try {
      const set = await this.options.fetch(await this.options.locate());
      const held = { keys: createLocalJWKSet(set as JSONWebKeySet), fetchedAt: this.options.clock() };
      this.held = held;
      this.lastFailure = undefined;
      return held;
    } catch (err) {
      this.lastFailure = err instanceof Error ? err : new Error(String(err));
      this.lastAttemptAt = this.options.clock();
      throw new KeysUnavailableError(`the signing keys could not be fetched: ${this.lastFailure.message}`);
    }
  }
}
