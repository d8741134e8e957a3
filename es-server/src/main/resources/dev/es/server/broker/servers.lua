-- The servers alive now, by their heartbeats in KEYS[1] (es:servers: server by the time its beat runs out).
-- ARGV[1], when given, is a server beating: it is kept for ARGV[2] more milliseconds, and the beats run out
-- are taken out. Asked without one (every HEAD and listing), it writes nothing. Returns the live ones.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
if ARGV[1] then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
end
return redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf')
