-- Starts a cancelled or failed evaluation again: a new epoch (work entries of older epochs are dropped when read),
-- its queueing cursor back at 0 (items already done are skipped when queued), errors cleared. Done items stay done.
-- KEYS: eval hash, active set. ARGV: id. Returns 'RESTARTED', or the state it left alone (nil when unknown).
local state = redis.call('HGET', KEYS[1], 'state')
if state ~= 'CANCELLED' and state ~= 'FAILED' then
  return state
end
redis.call('HINCRBY', KEYS[1], 'epoch', 1)
redis.call('HSET', KEYS[1], 'state', 'RUNNING', 'queued', '0')
redis.call('HDEL', KEYS[1], 'last_error', 'waiting', 'finished')
redis.call('SADD', KEYS[2], ARGV[1])
return 'RESTARTED'
