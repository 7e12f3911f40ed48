-- Counts one more failed attempt for each of a batch's items and remembers when each first failed.
-- KEYS: attempts hash, first-failure hash. ARGV: now (ms), then the item ids.
-- Returns, per item, {attempts so far, first failure (ms)}.
local out = {}
for i = 2, #ARGV do
  local n = redis.call('HINCRBY', KEYS[1], ARGV[i], 1)
  redis.call('HSETNX', KEYS[2], ARGV[i], ARGV[1])
  out[#out + 1] = {n, tonumber(redis.call('HGET', KEYS[2], ARGV[i]))}
end
return out
