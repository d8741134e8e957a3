-- A server's subscriber counts per channel, for the listing: KEYS[1] its hash (es:server:ID), replaced and
-- kept for ARGV[1] milliseconds, so that a server that dies takes its counts with it. ARGV: milliseconds to
-- keep, then channel and count pairs. Returns 1 when the hash was there, 0 when it was not (a first beat, or
-- Redis lost it: then the server writes its counts in each channel's slot again too).
local existed = redis.call('EXISTS', KEYS[1])
redis.call('DEL', KEYS[1])
-- In slices: Lua's unpack is limited in how many values it can pass at once.
for first = 2, #ARGV, 1000 do
  redis.call('HSET', KEYS[1], unpack(ARGV, first, math.min(first + 999, #ARGV)))
end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return existed
