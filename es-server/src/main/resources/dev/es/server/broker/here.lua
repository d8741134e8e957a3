-- A server's subscriber count of one channel, in the channel's slot: KEYS[1] the channel's counts per server;
-- ARGV: the server, its count (0 takes it out). Kept as COUNT:MILLISECONDS, Redis's clock when written.
if ARGV[2] == '0' then
  return redis.call('HDEL', KEYS[1], ARGV[1])
end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
return redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ':' .. now)
