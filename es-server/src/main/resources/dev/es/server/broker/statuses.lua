-- Channels as every other server sees them: ARGV[1] the asking server (its own counts it knows better),
-- ARGV[2] one channel, or '' for every channel. Returns a flat list: name, subscribers elsewhere, events
-- published, last event time in milliseconds ('' if none), for each channel that exists anywhere.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', 'es:servers', '-inf', now)
local servers = redis.call('ZRANGE', 'es:servers', 0, -1)
local consumers = {}
local order = {}
local function count(name, n)
  if consumers[name] == nil then
    consumers[name] = 0
    table.insert(order, name)
  end
  consumers[name] = consumers[name] + n
end
local one = ARGV[2]
if one ~= '' then
  if redis.call('HEXISTS', 'es:lives', one) == 1 then
    count(one, 0)
  end
else
  for _, name in ipairs(redis.call('HKEYS', 'es:lives')) do
    count(name, 0)
  end
end
for _, server in ipairs(servers) do
  if server ~= ARGV[1] then
    local key = 'es:server:' .. server
    if one ~= '' then
      local n = redis.call('HGET', key, one)
      if n then
        count(one, tonumber(n))
      end
    else
      local pairs = redis.call('HGETALL', key)
      for i = 1, #pairs, 2 do
        count(pairs[i], tonumber(pairs[i + 1]))
      end
    end
  end
end
local result = {}
for _, name in ipairs(order) do
  table.insert(result, name)
  table.insert(result, tostring(consumers[name]))
  table.insert(result, redis.call('HGET', 'es:published', name) or '0')
  table.insert(result, redis.call('HGET', 'es:last', name) or '')
end
return result
