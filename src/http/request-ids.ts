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

/** Ids of `length` characters cut one after another from strings that `batch` makes BATCH at a time. */
function idStream(length: number, batch: () => string): () => string {
  let ids = "";
  let at = 0;
  return () => {
    if (at === ids.length) {
      ids = batch();
      at = 0;
    }
    at += length;
    return ids.slice(at - length, at);
  };
}

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
export const newRequestId: () => string = idStream(UUID_LENGTH, uuidBatch);

/** `x-amz-apigw-id` (extended request id): 16 base64 characters ending in `=`, e.g. `Abc123DEF456ghI=`. */
export const newExtendedRequestId: () => string = idStream(16, () =>
  // 12 random bytes are 16 base64 characters; the last of each 16 becomes AWS's `=`.
  randomBytes(12 * BATCH)
    .toString("base64")
    .replace(/(.{15})./g, "$1="),
);

/** The 24 random hex digits of a trace id root. */
const traceRandom = idStream(24, () => randomBytes(12 * BATCH).toString("hex"));
let traceSecond = -1;
let tracePrefix = "";

/** `X-Amzn-Trace-Id` root in X-Ray's format: `Root=1-{8 hex epoch secs}-{24 hex}`. */
export function newTraceId(nowMs: number): string {
  const second = Math.floor(nowMs / 1000);
  if (second !== traceSecond) {
    tracePrefix = `Root=1-${second.toString(16)}-`;
    traceSecond = second;
  }
  return tracePrefix + traceRandom();
}

/** An X-Ray segment id: 16 hex digits, as `Parent=` carries it. */
export const newTraceParent: () => string = idStream(16, () => randomBytes(8 * BATCH).toString("hex"));

const ROOT = /^1-[0-9a-fA-F]{8}-[0-9a-fA-F]{24}$/;
const PARENT = /^[0-9a-fA-F]{16}$/;

/**
 * The `X-Amzn-Trace-Id` a REST API sends to its integration (and returns for non-proxy ones):
 * `Root=…;Parent=…;Sampled=…`. A client's well-formed Root and Parent are kept, so the trace goes
 * on through the gateway; a missing Parent is generated, and a missing sampling decision is `1`
 * when the caller named a parent segment (it traces), else `0` (stages do not trace unless
 * asked). Other fields (`Self`, `Lineage`) belong to the hops that wrote them and are dropped.
 */
export function restTraceHeader(client: string | undefined, nowMs: number): string {
  let root: string | undefined;
  let parent: string | undefined;
  let sampled: string | undefined;
  if (client !== undefined) {
    for (const field of client.split(";")) {
      const eq = field.indexOf("=");
      if (eq === -1) continue;
      const key = field.slice(0, eq).trim().toLowerCase();
      const value = field.slice(eq + 1).trim();
      if (key === "root" && ROOT.test(value)) root = value;
      else if (key === "parent" && PARENT.test(value)) parent = value;
      else if (key === "sampled" && (value === "0" || value === "1")) sampled = value;
    }
  }
  if (root === undefined) {
    // A new trace: whatever the client said about its parent or sampling was about another trace.
    return `${newTraceId(nowMs)};Parent=${newTraceParent()};Sampled=0`;
  }
  sampled ??= parent === undefined ? "0" : "1";
  return `Root=${root};Parent=${parent ?? newTraceParent()};Sampled=${sampled}`;
}
