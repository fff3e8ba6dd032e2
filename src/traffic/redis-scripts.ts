import type { Cluster, Redis } from "ioredis";

/**
 * The decisions for a batch of requests, atomically and in order on the Redis server. For each:
 * refill its buckets by Redis's own clock (so nodes' clocks do not matter), refuse if its quota is
 * used up (2) or any bucket is empty (1), else take a token from each bucket and count the quota
 * and the day (0). A later decision in the batch sees what an earlier one took.
 * KEYS: per decision, its n bucket keys, then (with a quota) the period counter and the day counter.
 * ARGV: the number of decisions, then per decision: n, 1 or 0 (has a quota), rate and burst per
 * bucket, then (with a quota) its limit, the period counter's expiry (unix s), the day counter's TTL (s).
 * Returns one code per decision.
 */
export const ADMIT_BATCH = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local codes = {}
local k = 0
local a = 2
for d = 1, tonumber(ARGV[1]) do
  local n = tonumber(ARGV[a])
  local quota = ARGV[a + 1] == '1'
  a = a + 2
  local rates, bursts, tokens = {}, {}, {}
  for i = 1, n do
    local rate = tonumber(ARGV[a])
    local burst = tonumber(ARGV[a + 1])
    a = a + 2
    local s = redis.call('HMGET', KEYS[k + i], 't', 'a')
    local tk = tonumber(s[1])
    local at = tonumber(s[2])
    if tk == nil or at == nil then
      tk = burst
    elseif now > at then
      tk = math.min(burst, tk + (now - at) * rate / 1000)
    else
      tk = math.min(burst, tk)
    end
    rates[i], bursts[i], tokens[i] = rate, burst, tk
  end
  local code = 0
  if quota then
    local used = tonumber(redis.call('GET', KEYS[k + n + 1]) or '0')
    if used >= tonumber(ARGV[a]) then code = 2 end
  end
  if code == 0 then
    for i = 1, n do
      if tokens[i] < 1 then code = 1 break end
    end
  end
  if code == 0 then
    for i = 1, n do
      redis.call('HSET', KEYS[k + i], 't', tostring(tokens[i] - 1), 'a', tostring(now))
      local full = 86400000
      if rates[i] > 0 then full = math.min(full, math.ceil(bursts[i] * 1000 / rates[i]) + 1000) end
      redis.call('PEXPIRE', KEYS[k + i], full)
    end
    if quota then
      redis.call('INCR', KEYS[k + n + 1])
      redis.call('EXPIREAT', KEYS[k + n + 1], ARGV[a + 1])
      redis.call('INCR', KEYS[k + n + 2])
      redis.call('EXPIRE', KEYS[k + n + 2], ARGV[a + 2])
    end
  end
  if quota then
    k = k + n + 2
    a = a + 3
  else
    k = k + n
  end
  codes[d] = code
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
