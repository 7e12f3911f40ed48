-- Records one item's result and moves its evaluation's counters together, then acknowledges its work entry.
-- An item recorded before (a retry, a reclaimed duplicate) changes nothing; an evaluation that is not RUNNING
-- (cancelled, failed, or gone with a Redis that lost its data) records nothing. The item counts as generated
-- (or its scores as computed) only when this evaluation stored that content for this very item (credit hashes).
-- KEYS: eval hash, results hash, done set, image credits, score credits, work stream, active set, attempts hash,
-- first-failure hash.
-- ARGV: group, entry id, item id, result JSON, image key, now (ms), id, then the item's score keys.
-- The evaluation finishes when its recorded and failed (given up, give_up.lua) items make its total. One that
-- finishes with every item recorded can never run again, so what only running needs goes with it (the done set,
-- the credits, the retry counts): the results and counters stay. One with items given up on keeps them for a restart.
-- Returns 1 when recorded, 0 when not.
local state = redis.call('HGET', KEYS[1], 'state')
local recorded = 0
if state == 'RUNNING' and redis.call('SADD', KEYS[3], ARGV[3]) == 1 then
  redis.call('HSET', KEYS[2], ARGV[3], ARGV[4])
  local made = redis.call('HGET', KEYS[4], ARGV[5]) == ARGV[3]
  redis.call('HINCRBY', KEYS[1], made and 'generated' or 'image_cache_hits', 1)
  for i = 8, #ARGV do
    local computed = redis.call('HGET', KEYS[5], ARGV[i]) == ARGV[3]
    redis.call('HINCRBY', KEYS[1], computed and 'scores_computed' or 'score_cache_hits', 1)
  end
  local done = redis.call('HINCRBY', KEYS[1], 'done', 1)
  local failed = tonumber(redis.call('HGET', KEYS[1], 'failed') or '0')
  if done + failed >= tonumber(redis.call('HGET', KEYS[1], 'total')) then
    redis.call('HSET', KEYS[1], 'state', 'SUCCEEDED', 'finished', ARGV[6])
    redis.call('HDEL', KEYS[1], 'last_error', 'waiting')
    redis.call('SREM', KEYS[7], ARGV[7])
    if failed == 0 then
      redis.call('DEL', KEYS[3], KEYS[4], KEYS[5], KEYS[8], KEYS[9])
    end
  end
  recorded = 1
end
-- The stream or its group may be gone with a Redis that lost its data: nothing left to acknowledge then.
redis.pcall('XACK', KEYS[6], ARGV[1], ARGV[2])
return recorded
