-- One channel as every server sees it, from its slot alone: KEYS[1] its figures, KEYS[2] its subscriber counts
-- per server (COUNT:MILLISECONDS written). ARGV: the asking server (its own counts it knows better), how long
-- a server's heartbeat lasts in milliseconds, then the servers alive now. Only live servers are counted; the
-- count of one not alive and written longer ago than two heartbeats last is of a server that died, and goes
-- (one written just now by a server whose first heartbeat the asker has not seen yet stays).
-- Returns: whether it has a stream (1 or 0), events published, last event time in milliseconds ('' if none),
-- subscribers on the other live servers.
local alive = {}
for i = 3, #ARGV do
  alive[ARGV[i]] = true
end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local elsewhere = 0
local counts = redis.call('HGETALL', KEYS[2])
for i = 1, #counts, 2 do
  local count, written = string.match(counts[i + 1], '^(%d+):(%d+)$')
  if alive[counts[i]] then
    if counts[i] ~= ARGV[1] then
      elsewhere = elsewhere + tonumber(count)
    end
  elseif now - tonumber(written) > 2 * tonumber(ARGV[2]) then
    redis.call('HDEL', KEYS[2], counts[i])
  end
end
local figures = redis.call('HMGET', KEYS[1], 'life', 'published', 'last')
return {figures[1] and 1 or 0, figures[2] or '0', figures[3] or '', elsewhere}
