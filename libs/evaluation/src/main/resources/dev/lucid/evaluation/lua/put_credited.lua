-- Stores content under its address unless present and, only when this call stored it, credits the work item that
-- made it, so progress can tell computed from cached content per item however often the item is retried.
-- KEYS: content key, credit hash. ARGV: value, credit field (the content key), item id. Returns 1 when stored.
if redis.call('SET', KEYS[1], ARGV[1], 'NX') then
  redis.call('HSETNX', KEYS[2], ARGV[2], ARGV[3])
  return 1
end
return 0
