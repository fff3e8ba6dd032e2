import type { Cluster, Redis } from "ioredis";
import { redisKey } from "./redis-connection.ts";
import { COLLECTIONS, type Collection } from "./store.ts";

/**
 * The Redis store's Lua scripts. Every one that reads or writes documents is fenced by the epoch: a
 * random id written when a data set is seeded. A Redis that lost its data (restarted without
 * persistence, flushed, failed over to an empty replica) no longer holds the epoch a node follows,
 * so the script refuses with EPOCH_ERROR instead of reading an empty data set as "everything was
 * deleted" or writing a lone document into it. Redis does not roll a script back, so everything
 * that could fail is checked before the first write.
 */

export const VERSION_KEY = redisKey("version");
export const EPOCH_KEY = redisKey("epoch");
export const collectionKey = (collection: Collection): string => redisKey("c", collection);
/** Version, epoch, then every collection's hash in COLLECTIONS order. */
export const ALL_KEYS = [VERSION_KEY, EPOCH_KEY, ...COLLECTIONS.map(collectionKey)];

/** The prefix of the error a fenced script answers when the data set is not the expected one. */
export const EPOCH_ERROR = "PORTICOEPOCH";

export const isEpochError = (err: unknown): boolean =>
  err instanceof Error && err.message.startsWith(EPOCH_ERROR);

const FENCE = (epochKey: string, expected: string) => `
if redis.call('GET', ${epochKey}) ~= ${expected} then
  return redis.error_reply('${EPOCH_ERROR} the data set in Redis is not the one this node follows')
end
`;

// KEYS: version, epoch, then one hash per op. ARGV: channel, expected epoch, then per op
// (kind, field, value).
const COMMIT = `
${FENCE("KEYS[2]", "ARGV[2]")}
local ops = #KEYS - 2
for i = 1, ops do
  local t = redis.call('TYPE', KEYS[2 + i])['ok']
  if t ~= 'hash' and t ~= 'none' then
    return redis.error_reply('WRONGTYPE ' .. KEYS[2 + i] .. ' holds a ' .. t .. ', not a hash')
  end
end
local current = redis.call('GET', KEYS[1])
if current and not string.match(current, '^%d+$') then
  return redis.error_reply('ERR ' .. KEYS[1] .. ' is not a version number')
end
for i = 1, ops do
  local base = 2 + (i - 1) * 3
  if ARGV[base + 1] == 'put' then
    redis.call('HSET', KEYS[2 + i], ARGV[base + 2], ARGV[base + 3])
  else
    redis.call('HDEL', KEYS[2 + i], ARGV[base + 2])
  end
end
local version = redis.call('INCR', KEYS[1])
redis.call('PUBLISH', ARGV[1], version)
return version
`;

// KEYS: epoch, hash. ARGV: expected epoch, then a field to read one document, none to read all.
const READ = `
${FENCE("KEYS[1]", "ARGV[1]")}
if #ARGV > 1 then return redis.call('HGET', KEYS[2], ARGV[2]) end
return redis.call('HGETALL', KEYS[2])
`;

// KEYS: ALL_KEYS. ARGV: expected epoch. Returns the version, then each collection's HGETALL.
const SNAPSHOT = `
${FENCE("KEYS[2]", "ARGV[1]")}
local out = { redis.call('GET', KEYS[1]) or '0' }
for i = 3, #KEYS do out[#out + 1] = redis.call('HGETALL', KEYS[i]) end
return out
`;

// KEYS: ALL_KEYS. Returns the version, the epoch ('' when missing) and how many documents there are.
const INSPECT = `
local n = 0
for i = 3, #KEYS do
  if redis.call('TYPE', KEYS[i])['ok'] == 'hash' then n = n + redis.call('HLEN', KEYS[i]) end
end
return { redis.call('GET', KEYS[1]) or '0', redis.call('GET', KEYS[2]) or '', n }
`;

// KEYS: ALL_KEYS. ARGV: the epoch and version seen ('' for no epoch), the new epoch and version, the
// channel, then per document (collection index 1.., field, value). Writes only if nothing moved
// since it was seen — another node may have re-seeded first — and answers 1 if it wrote.
const RESEED = `
if (redis.call('GET', KEYS[2]) or '') ~= ARGV[1] or (redis.call('GET', KEYS[1]) or '0') ~= ARGV[2] then
  return 0
end
for i = 3, #KEYS do redis.call('DEL', KEYS[i]) end
for a = 6, #ARGV, 3 do
  redis.call('HSET', KEYS[2 + tonumber(ARGV[a])], ARGV[a + 1], ARGV[a + 2])
end
redis.call('SET', KEYS[2], ARGV[3])
redis.call('SET', KEYS[1], ARGV[4])
redis.call('PUBLISH', ARGV[5], ARGV[4])
return 1
`;

export interface StoreScripts {
  porticoCommit(numKeys: number, ...args: string[]): Promise<number>;
  porticoRead(numKeys: number, ...args: string[]): Promise<string | null | string[]>;
  porticoSnapshot(numKeys: number, ...args: string[]): Promise<[string, ...string[][]]>;
  porticoInspect(numKeys: number, ...args: string[]): Promise<[string, string, number]>;
  porticoReseed(numKeys: number, ...args: string[]): Promise<number>;
}

export function defineStoreScripts(conn: Redis | Cluster): StoreScripts {
  conn.defineCommand("porticoCommit", { lua: COMMIT });
  conn.defineCommand("porticoRead", { lua: READ });
  conn.defineCommand("porticoSnapshot", { lua: SNAPSHOT });
  conn.defineCommand("porticoInspect", { lua: INSPECT });
  conn.defineCommand("porticoReseed", { lua: RESEED });
  return conn as unknown as StoreScripts;
}

/** `[field, value, field, value, …]` as a map. */
export function pairs(flat: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) out.set(flat[i]!, flat[i + 1]!);
  return out;
}
