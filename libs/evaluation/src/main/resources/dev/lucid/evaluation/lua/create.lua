-- Creates an evaluation in one step: plan, spec, state hash, listing and active set, or nothing when it exists.
-- KEYS: eval hash, plan, spec, listing (zset), active set. ARGV: id, plan JSON, spec JSON, total, now (ms), name.
-- Returns 'CREATED', or the state of the evaluation that was already there.
local state = redis.call('HGET', KEYS[1], 'state')
if state then
  return state
end
redis.call('SET', KEYS[2], ARGV[2])
redis.call('SET', KEYS[3], ARGV[3])
redis.call('HSET', KEYS[1], 'state', 'RUNNING', 'total', ARGV[4], 'created', ARGV[5], 'name', ARGV[6],
  'epoch', '1', 'queued', '0', 'done', '0')
redis.call('ZADD', KEYS[4], ARGV[5], ARGV[1])
redis.call('SADD', KEYS[5], ARGV[1])
return 'CREATED'
