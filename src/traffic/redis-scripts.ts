import type { Cluster, Redis } from "ioredis";

/**
 * The decisions for a batch of requests, atomically and in order on the Redis server. Each bucket
 * is read once and refilled by Redis's own clock (so nodes' clocks do not matter); then for each
 * decision in turn: refuse if its quota is used up (2) or any of its buckets is empty (1), else take
 * a token from each and count the quota and the day (0). A later decision sees what an earlier one
 * took. Buckets and counters are written once at the end: a batch of a hundred requests on one
 * route costs Redis one read and one write of its bucket, not a hundred of each.
 * KEYS: the bucket keys, then per quota subject its period counter and its day counter.
 * ARGV: the number of buckets B, then rate and burst per bucket; the number of decisions, then per
 * decision: n, its n bucket indexes (1..B), and 0 or, with a quota, the index of its period counter
 * among the counters (1-based; the day counter follows it), its limit, the period counter's expiry
 * (unix s) and the day counter's TTL (s).
 * Returns one code per decision.
 */
export const ADMIT_BATCH = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local a = 1
local nb = tonumber(ARGV[a])
a = a + 1
local tokens, rates, bursts, taken = {}, {}, {}, {}
for j = 1, nb do
  local rate = tonumber(ARGV[a])
  local burst = tonumber(ARGV[a + 1])
  a = a + 2
  local s = redis.call('HMGET', KEYS[j], 't', 'a')
  local tk = tonumber(s[1])
  local at = tonumber(s[2])
  if tk == nil or at == nil then
    tk = burst
  elseif now > at then
    tk = math.min(burst, tk + (now - at) * rate / 1000)
  else
    tk = math.min(burst, tk)
  end
  tokens[j], rates[j], bursts[j], taken[j] = tk, rate, burst, false
end
local used, added, expireAt, dayTtl = {}, {}, {}, {}
local codes = {}
local nd = tonumber(ARGV[a])
a = a + 1
for d = 1, nd do
  local n = tonumber(ARGV[a])
  local first = a + 1
  a = first + n
  local q = tonumber(ARGV[a])
  a = a + 1
  local code = 0
  if q > 0 then
    q = nb + q
    if used[q] == nil then
      used[q] = tonumber(redis.call('GET', KEYS[q]) or '0')
      added[q] = 0
      expireAt[q] = ARGV[a + 1]
      dayTtl[q] = ARGV[a + 2]
    end
    if used[q] >= tonumber(ARGV[a]) then code = 2 end
    a = a + 3
  end
  if code == 0 then
    for i = first, first + n - 1 do
      if tokens[tonumber(ARGV[i])] < 1 then code = 1 break end
    end
  end
  if code == 0 then
    for i = first, first + n - 1 do
      local j = tonumber(ARGV[i])
      tokens[j] = tokens[j] - 1
      taken[j] = true
    end
    if q > 0 then
      used[q] = used[q] + 1
      added[q] = added[q] + 1
    end
  end
  codes[d] = code
end
for j = 1, nb do
  if taken[j] then
    redis.call('HSET', KEYS[j], 't', tostring(tokens[j]), 'a', tostring(now))
    local full = 86400000
    if rates[j] > 0 then full = math.min(full, math.ceil(bursts[j] * 1000 / rates[j]) + 1000) end
    redis.call('PEXPIRE', KEYS[j], full)
  end
end
for q, n in pairs(added) do
  if n > 0 then
    redis.call('INCRBY', KEYS[q], n)
    redis.call('EXPIREAT', KEYS[q], expireAt[q])
    redis.call('INCRBY', KEYS[q + 1], n)
    redis.call('EXPIRE', KEYS[q + 1], dayTtl[q])
  end
end
return codes
`;

/** The stage's current generation (bumped by a flush) names its entries, so a flush is O(1). */
export const CACHE_GET = `
local g = redis.call('GET', KEYS[1]) or '0'
return redis.call('GET', ARGV[1] .. g .. ':' .. ARGV[2])
`;
/**
 * Several lookups in one call: KEYS are the stages' generation keys, ARGV the prefix and field of
 * each lookup in turn. Returns each entry, or nil.
 */
export const CACHE_GET_BATCH = `
local out = {}
for i = 1, #KEYS do
  local g = redis.call('GET', KEYS[i]) or '0'
  out[i] = redis.call('GET', ARGV[2 * i - 1] .. g .. ':' .. ARGV[2 * i]) or false
end
return out
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
  porticoAdmitBatch(...args: (string | number)[]): Promise<number[]>;
  porticoCacheGet(...args: (string | number)[]): Promise<string | null>;
  porticoCacheGetBatchBuffer(...args: (string | number)[]): Promise<(Buffer | null)[]>;
  porticoCacheSet(...args: (string | number | Buffer)[]): Promise<number>;
  porticoCacheDel(...args: (string | number)[]): Promise<number>;
};
