-- Closes a channel ('all': every channel) for every server: drops its stream and figures, then tells every
-- server to disconnect its subscribers. ARGV[1] the channel.
local names = {ARGV[1]}
if ARGV[1] == 'all' then
  names = redis.call('HKEYS', 'es:lives')
end
for _, name in ipairs(names) do
  redis.call('DEL', 'es:channel:' .. name)
  redis.call('HDEL', 'es:published', name)
  redis.call('HDEL', 'es:last', name)
  redis.call('HDEL', 'es:lives', name)
  redis.call('ZREM', 'es:names', name)
end
redis.call('PUBLISH', 'es:events', cjson.encode({t = 'x', c = ARGV[1]}))
return #names
