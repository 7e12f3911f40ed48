-- Notes what a running evaluation waits for (a peer that is down); a finished one keeps its final state clean.
-- KEYS: eval hash. ARGV: message. Returns 1 when noted.
if redis.call('HGET', KEYS[1], 'state') == 'RUNNING' then
  redis.call('HSET', KEYS[1], 'waiting', ARGV[1], 'last_error', ARGV[1])
  return 1
end
return 0
