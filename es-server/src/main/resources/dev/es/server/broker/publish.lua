-- Stores an event in its channel's stream and announces it on the channel's shard channel, in one step, so
-- that the order the stream holds is the order every server delivers in. Every key is the channel's, in one
-- hash slot: KEYS[1] its stream, KEYS[2] its figures (life, published, last), KEYS[3] its shard channel.
-- ARGV: channel, publisher's id or '', event name or '', data, retry or '', the history to keep (at least 1).
-- An entry's stream id is POSITION-0: POSITION is the channel's next number, at least the server clock in
-- microseconds (so a stream deleted or lost with Redis never hands out a number a client already saw) and
-- at least a numeric id the publisher chose (so the ids the hub gives keep increasing past it).
-- Each life of a stream (from its first event to its deletion, or to Redis losing it) has a name of its own,
-- the clock when it began: a server that sees another life than the one it knows reads the stream from its
-- start, as positions may have started over. A new life is told on the control channel, which every server
-- hears (a prefix stream may want the channel).
-- Returns the event's id, and 1 when the channel was made by it (the caller adds it to es:names), else 0.
local newest = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
local previous = 0
if #newest > 0 then
  previous = tonumber(string.match(newest[1][1], '^(%d+)'))
end
local time = redis.call('TIME')
local life = redis.call('HGET', KEYS[2], 'life')
local made = 0
if not life then
  life = time[1] .. '.' .. time[2]
  redis.call('HSET', KEYS[2], 'life', life)
  made = 1
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
redis.call('HINCRBY', KEYS[2], 'published', 1)
redis.call('HSET', KEYS[2], 'last', string.format('%.0f', tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)))
redis.call('SPUBLISH', KEYS[3], cjson.encode(announcement))
if made == 1 then
  redis.call('PUBLISH', 'es:control', cjson.encode({t = 'made', c = ARGV[1]}))
end
return {id, made}
