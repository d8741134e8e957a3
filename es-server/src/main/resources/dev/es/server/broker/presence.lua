-- A server's heartbeat: replaces its subscriber counts per channel and keeps them for ARGV[2] milliseconds,
-- so that a server that dies takes its counts with it. ARGV: server, milliseconds to keep, then channel and
-- count pairs.
local key = 'es:server:' .. ARGV[1]
redis.call('DEL', key)
-- In slices: Lua's unpack is limited in how many values it can pass at once.
for first = 3, #ARGV, 1000 do
  redis.call('HSET', key, unpack(ARGV, first, math.min(first + 999, #ARGV)))
end
redis.call('PEXPIRE', key, ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZADD', 'es:servers', now + tonumber(ARGV[2]), ARGV[1])
return 1
