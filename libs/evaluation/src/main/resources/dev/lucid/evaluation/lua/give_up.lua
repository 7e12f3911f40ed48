-- Gives up on one item whose retries are exhausted (its "dead letter"): the item is filed as failed with its last
-- error, counts towards the evaluation's completion (done + failed = total finishes it), and its work entry is
-- acknowledged. An item recorded before, or an evaluation that is not RUNNING, changes nothing.
-- KEYS: eval hash, failed hash, done set, work stream, active set.
-- ARGV: group, entry id, item id, failure JSON, now (ms), id. Returns 1 when filed, 0 when not.
local state = redis.call('HGET', KEYS[1], 'state')
local filed = 0
if state == 'RUNNING' and redis.call('SADD', KEYS[3], ARGV[3]) == 1 then
  redis.call('HSET', KEYS[2], ARGV[3], ARGV[4])
  local failed = redis.call('HINCRBY', KEYS[1], 'failed', 1)
  local done = tonumber(redis.call('HGET', KEYS[1], 'done') or '0')
  if done + failed >= tonumber(redis.call('HGET', KEYS[1], 'total')) then
    redis.call('HSET', KEYS[1], 'state', 'SUCCEEDED', 'finished', ARGV[5])
    redis.call('HDEL', KEYS[1], 'waiting')
    redis.call('SREM', KEYS[5], ARGV[6])
  end
  filed = 1
end
redis.pcall('XACK', KEYS[4], ARGV[1], ARGV[2])
return filed
