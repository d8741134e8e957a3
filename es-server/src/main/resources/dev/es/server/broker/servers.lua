-- The servers alive now, by their heartbeats in KEYS[1] (es:servers: server by the time its beat runs out).
-- ARGV[1], when given, is a server beating: it is kept for ARGV[2] more milliseconds. Returns the live ones.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if ARGV[1] then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
end
return redis.call('ZRANGE', KEYS[1], 0, -1)
