-- Fails a running evaluation with the reason (a refused input or a missing capability: retrying cannot help).
-- KEYS: eval hash, active set. ARGV: id, message, now (ms). Returns the state after the call (nil when unknown).
local state = redis.call('HGET', KEYS[1], 'state')
if state == 'RUNNING' then
  redis.call('HSET', KEYS[1], 'state', 'FAILED', 'last_error', ARGV[2], 'finished', ARGV[3])
  redis.call('HDEL', KEYS[1], 'waiting')
  redis.call('SREM', KEYS[2], ARGV[1])
  return 'FAILED'
end
return state
