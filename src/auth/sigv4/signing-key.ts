/**
 * The SigV4 signing key (HMAC chain over date, region, service, "aws4_request") and the final HMAC.
 *
 * A key is valid for a whole day per (secret, region, service), and deriving it costs four HMACs,
 * so derived keys are kept in a small LRU cache.
 */
import { createHash, createHmac, createSecretKey, type KeyObject } from "node:crypto";
import { SCOPE_TERMINATOR } from "./canonical-request.ts";

const MAX_CACHED_KEYS = 64;
const cache = new Map<string, Buffer>();
/**
 * Each cached key as a KeyObject: on Node 24 an HMAC keyed by a Buffer costs about 9 µs to set up
 * (the key is imported afresh each time), one keyed by a KeyObject about 1.5 µs, and every verified
 * request makes one.
 */
const keyObjects = new WeakMap<Buffer, KeyObject>();

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac("sha256", key).update(data, "utf8").digest();
}

/**
 * The signing key for `date` (YYYYMMDD), region and service.
 * Cached by a hash of the secret rather than the secret itself, so the cache never holds a readable
 * copy of a secret that has since been rotated out of the credential store.
 */
export function signingKey(secretAccessKey: string, date: string, region: string, service: string): Buffer {
  const id = `${createHash("sha256").update(secretAccessKey).digest("base64")}\n${date}\n${region}\n${service}`;
  const hit = cache.get(id);
  if (hit !== undefined) {
    // Re-insert so Map order stays least-recently-used first.
    cache.delete(id);
    cache.set(id, hit);
    return hit;
  }
  const key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service), SCOPE_TERMINATOR);
  cache.set(id, key);
  if (cache.size > MAX_CACHED_KEYS) cache.delete(cache.keys().next().value!);
  return key;
}

/** Lower-case hex HMAC-SHA256 of the string to sign: the signature itself. */
export function signString(key: Buffer, stringToSign: string): string {
  let keyObject = keyObjects.get(key);
  if (keyObject === undefined) {
    keyObject = createSecretKey(key);
    keyObjects.set(key, keyObject);
  }
  return createHmac("sha256", keyObject).update(stringToSign, "utf8").digest("hex");
}

/** Number of derived keys currently cached (for tests). */
export function cachedSigningKeyCount(): number {
  return cache.size;
}
