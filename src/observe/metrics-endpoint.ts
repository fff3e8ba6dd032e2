import { createHash, timingSafeEqual } from "node:crypto";
import type { MetricsRegistry } from "./prometheus-registry.ts";

/** An answer to a scrape, for whichever listener received it. */
export interface ScrapeAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  readonly headers?: Record<string, string>;
}

/** Answers a scrape of `/metrics` given its Authorization header. */
export type Scrape = (authorization: string | undefined) => Promise<ScrapeAnswer>;

const digest = (text: string) => createHash("sha256").update(text, "utf8").digest();

/**
 * `GET /metrics`: the exposition text, as Prometheus scrapes anything, with no SigV4. With a bearer
 * token configured, a scrape must present it (Prometheus' `authorization: { credentials }`); the
 * token is compared as digests with timingSafeEqual, so neither its content nor its length leaks
 * through the time the comparison takes.
 */
export function metricsEndpoint(registry: MetricsRegistry, bearerToken: string | undefined): Scrape {
  const expected = bearerToken === undefined ? undefined : digest(bearerToken);
  return async (authorization) => {
    if (expected !== undefined) {
      const refusal = checkBearer(authorization, expected);
      if (refusal !== undefined) return refusal;
    }
    return { status: 200, contentType: registry.contentType, body: await registry.render() };
  };
}

const SCHEME = /^Bearer +(\S+) *$/i;

function checkBearer(authorization: string | undefined, expected: Buffer): ScrapeAnswer | undefined {
  const token = authorization === undefined ? undefined : SCHEME.exec(authorization)?.[1];
  if (token !== undefined && timingSafeEqual(digest(token), expected)) return undefined;
  // RFC 6750: no credentials, or credentials that do not match, is 401 with a challenge.
  return {
    status: 401,
    contentType: "application/json",
    body: '{"message":"Unauthorized"}',
    headers: {
      "WWW-Authenticate":
        token === undefined ? 'Bearer realm="metrics"' : 'Bearer realm="metrics", error="invalid_token"',
    },
  };
}
