-- Appends one chunk of an evaluation's work items (skipping items already done) and advances its queueing cursor,
-- only if the evaluation runs in the caller's epoch and the cursor is where the caller read it, so concurrent or
-- repeated submitters add every chunk exactly once.
-- KEYS: eval hash, work stream, done set. ARGV: id, epoch, cursor read, cursor after, then per item: model label,
-- prompt id, seed, item id. Returns the entries added, or -1 when the cursor or epoch had moved.
local h = redis.call('HMGET', KEYS[1], 'state', 'epoch', 'queued')
if h[1] ~= 'RUNNING' or h[2] ~= ARGV[2] or h[3] ~= ARGV[3] then
  return -1
end
local added = 0
for i = 5, #ARGV, 4 do
  if redis.call('SISMEMBER', KEYS[3], ARGV[i + 3]) == 0 then
    redis.call('XADD', KEYS[2], '*', 'eval', ARGV[1], 'epoch', ARGV[2], 'model', ARGV[i], 'prompt', ARGV[i + 1],
      'seed', ARGV[i + 2])
    added = added + 1
  end
end
redis.call('HSET', KEYS[1], 'queued', ARGV[4])
return added
