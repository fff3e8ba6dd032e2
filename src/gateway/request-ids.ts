import { randomBytes } from "node:crypto";

/**
 * Per-request identifiers in AWS's shapes. Random bytes are drawn in blocks, and ids are formatted a
 * batch at a time into one string that each id is a slice of: a per-request `randomBytes` call, or
 * a string assembled piece by piece, cost more than the rest of a cache hit's own work.
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

const BATCH = 512;
const HEX = Buffer.from("0123456789abcdef");
const UUID_LENGTH = 36;
let uuids = "";
let uuidAt = 0;

/** BATCH random version-4 UUIDs, back to back, formatted byte by byte into one buffer. */
function uuidBatch(): string {
  const random = randomBytes(16 * BATCH);
  const out = Buffer.allocUnsafe(UUID_LENGTH * BATCH);
  let o = 0;
  for (let i = 0; i < random.length; i += 16) {
    random[i + 6] = (random[i + 6]! & 0x0f) | 0x40; // version 4
    random[i + 8] = (random[i + 8]! & 0x3f) | 0x80; // RFC 4122 variant
    for (let b = 0; b < 16; b++) {
      if (b === 4 || b === 6 || b === 8 || b === 10) out[o++] = 45; /* - */
      const v = random[i + b]!;
      out[o++] = HEX[v >> 4]!;
      out[o++] = HEX[v & 15]!;
    }
  }
  return out.toString("latin1");
}

/** `x-amzn-RequestId`: a random (version 4) UUID. */
export function newRequestId(): string {
  if (uuidAt === uuids.length) {
    uuids = uuidBatch();
    uuidAt = 0;
  }
  const id = uuids.slice(uuidAt, uuidAt + UUID_LENGTH);
  uuidAt += UUID_LENGTH;
  return id;
}

const EXTENDED_LENGTH = 16;
let extended = "";
let extendedAt = 0;

/** `x-amz-apigw-id` (extended request id): 16 base64 characters ending in `=`, e.g. `Abc123DEF456ghI=`. */
export function newExtendedRequestId(): string {
  if (extendedAt === extended.length) {
    // 12 random bytes are 16 base64 characters; the last of each 16 becomes AWS's `=`.
    extended = randomBytes(12 * BATCH)
      .toString("base64")
      .replace(/(.{15})./g, "$1=");
    extendedAt = 0;
  }
  const id = extended.slice(extendedAt, extendedAt + EXTENDED_LENGTH);
  extendedAt += EXTENDED_LENGTH;
  return id;
}

const TRACE_RANDOM_LENGTH = 24;
let traceRandom = "";
let traceRandomAt = 0;
let traceSecond = -1;
let tracePrefix = "";

/** `X-Amzn-Trace-Id` root in X-Ray's format: `Root=1-{8 hex epoch secs}-{24 hex}`. */
export function newTraceId(nowMs: number): string {
  if (traceRandomAt === traceRandom.length) {
    traceRandom = randomBytes((TRACE_RANDOM_LENGTH / 2) * BATCH).toString("hex");
    traceRandomAt = 0;
  }
  const second = Math.floor(nowMs / 1000);
  if (second !== traceSecond) {
    tracePrefix = `Root=1-${second.toString(16)}-`;
    traceSecond = second;
  }
  const random = traceRandom.slice(traceRandomAt, traceRandomAt + TRACE_RANDOM_LENGTH);
  traceRandomAt += TRACE_RANDOM_LENGTH;
  return tracePrefix + random;
}
