-- Cancels a running evaluation: final for this epoch (entries still queued or in flight are dropped).
-- KEYS: eval hash, active set. ARGV: id, now (ms). Returns the state after the call (nil when unknown).
local state = redis.call('HGET', KEYS[1], 'state')
if state == 'RUNNING' or state == 'QUEUED' then
  redis.call('HSET', KEYS[1], 'state', 'CANCELLED', 'finished', ARGV[2])
  redis.call('HDEL', KEYS[1], 'waiting')
  redis.call('SREM', KEYS[2], ARGV[1])
  return 'CANCELLED'
end
return state
