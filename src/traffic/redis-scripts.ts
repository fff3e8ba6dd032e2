import type { Cluster, Redis } from "ioredis";

/**
 * One decision for one request, atomically on the Redis server: refill every bucket by Redis's own
 * clock (so nodes' clocks do not matter), refuse if the quota is used up (2) or any bucket is empty
 * (1), else take a token from each and count the quota and the day (0).
 * KEYS: n buckets, then optionally the quota period counter and the day counter.
 * ARGV: n, rate/burst per bucket, then quota limit, period-counter expiry (unix s), day-counter TTL (s).
 */
export const ADMIT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local n = tonumber(ARGV[1])
local tokens = {}
for i = 1, n do
  local rate = tonumber(ARGV[2 * i])
  local burst = tonumber(ARGV[2 * i + 1])
  local s = redis.call('HMGET', KEYS[i], 't', 'a')
  local tk = tonumber(s[1])
  local at = tonumber(s[2])
  if tk == nil or at == nil then
    tk = burst
  elseif now > at then
    tk = math.min(burst, tk + (now - at) * rate / 1000)
  else
    tk = math.min(burst, tk)
  end
  tokens[i] = tk
end
local q = 2 * n + 2
if #KEYS > n then
  local used = tonumber(redis.call('GET', KEYS[n + 1]) or '0')
  if used >= tonumber(ARGV[q]) then return 2 end
end
for i = 1, n do
  if tokens[i] < 1 then return 1 end
end
for i = 1, n do
  local rate = tonumber(ARGV[2 * i])
  local burst = tonumber(ARGV[2 * i + 1])
  redis.call('HSET', KEYS[i], 't', tostring(tokens[i] - 1), 'a', tostring(now))
  local full = 86400000
  if rate > 0 then full = math.min(full, math.ceil(burst * 1000 / rate) + 1000) end
  redis.call('PEXPIRE', KEYS[i], full)
end
if #KEYS > n then
  redis.call('INCR', KEYS[n + 1])
  redis.call('EXPIREAT', KEYS[n + 1], ARGV[q + 1])
  redis.call('INCR', KEYS[n + 2])
  redis.call('EXPIRE', KEYS[n + 2], ARGV[q + 2])
end
return 0
`;

/** The stage's current generation (bumped by a flush) names its entries, so a flush is O(1). */
export const CACHE_GET = `
local g = redis.call('GET', KEYS[1]) or '0'
return redis.call('GET', ARGV[1] .. g .. ':' .. ARGV[2])
`;
export const CACHE_SET = `
local g = redis.call('GET', KEYS[1]) or '0'
redis.call('SET', ARGV[1] .. g .. ':' .. ARGV[2], ARGV[3], 'PX', ARGV[4])
return 1
`;
export const CACHE_DEL = `
local g = redis.call('GET', KEYS[1]) or '0'
return redis.call('DEL', ARGV[1] .. g .. ':' .. ARGV[2])
`;

/** A connection with the scripts above defined on it (ioredis `defineCommand`). */
export type Scripted = (Redis | Cluster) & {
  porticoAdmit(...args: (string | number)[]): Promise<number>;
  porticoCacheGet(...args: (string | number)[]): Promise<string | null>;
  porticoCacheGetBuffer(...args: (string | number)[]): Promise<Buffer | null>;
  porticoCacheSet(...args: (string | number | Buffer)[]): Promise<number>;
  porticoCacheDel(...args: (string | number)[]): Promise<number>;
};
