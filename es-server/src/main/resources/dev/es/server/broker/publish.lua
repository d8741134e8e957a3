-- Stores an event in its channel's stream and announces it to every server, in one step, so that the order
-- the stream holds is the order every server delivers in.
-- KEYS[1] the channel's stream. ARGV: channel, publisher's id or '', event name or '', data, retry or '',
-- the history to keep (at least 1).
-- An entry's stream id is POSITION-0: POSITION is the channel's next number, at least the server clock in
-- microseconds (so a stream deleted or lost with Redis never hands out a number a client already saw) and
-- at least a numeric id the publisher chose (so the ids the hub gives keep increasing past it).
-- Each life of a stream (from its first event to its deletion, or to Redis losing it) has a name of its own,
-- the clock when it began, in es:lives: a server that sees another life than the one it knows reads the
-- stream from its start, as positions may have started over. Its keys are also the channels that exist, and
-- es:names holds them sorted (all scores 0) for prefix lookups.
-- Returns the event's id.
local newest = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
local previous = 0
if #newest > 0 then
  previous = tonumber(string.match(newest[1][1], '^(%d+)'))
end
local time = redis.call('TIME')
local life = redis.call('HGET', 'es:lives', ARGV[1])
if not life then
  life = time[1] .. '.' .. time[2]
  redis.call('HSET', 'es:lives', ARGV[1], life)
  redis.call('ZADD', 'es:names', 0, ARGV[1])
end
local position = math.max(previous + 1, tonumber(time[1]) * 1000000 + tonumber(time[2]))
local given = ARGV[2]
-- Below 2^52 (the clock in microseconds reaches it in 2112) positions stay exact in Lua's numbers
-- however many events follow; larger numeric ids say nothing about order here, as text ids don't.
if string.match(given, '^%d+$') and #given <= 16 and tonumber(given) < 4503599627370496 then
  position = math.max(position, tonumber(given))
end
local positionText = string.format('%.0f', position)
local id = given
if id == '' then
  id = positionText
end
local fields = {'i', id, 'd', ARGV[4]}
local announcement = {t = 'e', c = ARGV[1], l = life, p = positionText, q = string.format('%.0f', previous), i = id,
  d = ARGV[4]}
if ARGV[3] ~= '' then
  table.insert(fields, 'e')
  table.insert(fields, ARGV[3])
  announcement.e = ARGV[3]
end
if ARGV[5] ~= '' then
  table.insert(fields, 'r')
  table.insert(fields, ARGV[5])
  announcement.r = ARGV[5]
end
redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[6], positionText .. '-0', unpack(fields))
redis.call('HINCRBY', 'es:published', ARGV[1], 1)
redis.call('HSET', 'es:last', ARGV[1], string.format('%.0f', tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)))
redis.call('PUBLISH', 'es:events', cjson.encode(announcement))
return id
