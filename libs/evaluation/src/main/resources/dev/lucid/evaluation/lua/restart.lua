-- Starts a cancelled or failed evaluation, or one that finished with items given up on, again: a new epoch (work entries of older epochs are dropped when read),
-- its queueing cursor back at 0 (items already done are skipped when queued), errors cleared. Done items stay done;
-- items given up on (give_up.lua) are taken off the done set and run again.
-- Retry counts start afresh.
-- KEYS: eval hash, active set, done set, failed hash, attempts hash, first-failure hash. ARGV: id. Returns 'RESTARTED', or the state it left alone (nil when unknown).
local state = redis.call('HGET', KEYS[1], 'state')
local gaveUp = state == 'SUCCEEDED' and tonumber(redis.call('HGET', KEYS[1], 'failed') or '0') > 0
if state ~= 'CANCELLED' and state ~= 'FAILED' and not gaveUp then
  return state
end
redis.call('HINCRBY', KEYS[1], 'epoch', 1)
redis.call('HSET', KEYS[1], 'state', 'RUNNING', 'queued', '0')
redis.call('HDEL', KEYS[1], 'last_error', 'waiting', 'finished', 'failed')
for _, item in ipairs(redis.call('HKEYS', KEYS[4])) do
  redis.call('SREM', KEYS[3], item)
end
redis.call('DEL', KEYS[4], KEYS[5], KEYS[6])
redis.call('SADD', KEYS[2], ARGV[1])
return 'RESTARTED'
