import { randomBytes, randomUUID } from "node:crypto";

/**
 * Per-request identifiers in AWS's shapes. Random bytes are drawn in blocks because a
 * `randomBytes` call per request is the dominant cost of id generation.
 */
const POOL_SIZE = 64 * 1024;
let pool = randomBytes(POOL_SIZE);
let offset = 0;

/** `n` random bytes from the shared block (valid until the next call; copy to keep). */
export function take(n: number): Buffer {
  if (offset + n > POOL_SIZE) {
    pool = randomBytes(POOL_SIZE);
    offset = 0;
  }
  const out = pool.subarray(offset, offset + n);
  offset += n;
  return out;
}

/** `x-amzn-RequestId`: a UUID. */
export const newRequestId = (): string => randomUUID();

/** `x-amz-apigw-id` (extended request id): 16 base64 characters ending in `=`, e.g. `Abc123DEF456ghI=`. */
export const newExtendedRequestId = (): string => take(11).toString("base64").slice(0, 15) + "=";

/** `X-Amzn-Trace-Id` root in X-Ray's format: `Root=1-{8 hex epoch secs}-{24 hex}`. */
export function newTraceId(nowMs: number): string {
  return `Root=1-${Math.floor(nowMs / 1000).toString(16)}-${take(12).toString("hex")}`;
}
