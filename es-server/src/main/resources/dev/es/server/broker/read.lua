-- What a server missed of a channel: KEYS[1] the channel's stream, KEYS[2] its figures; ARGV: the life of the
-- stream the server knows ('' for none), the last position it delivered. Returns the stream's life and its
-- entries after that position, or all of them when the stream has had a new life since (it was deleted, or
-- lost with Redis, and created again: positions start over).
local life = redis.call('HGET', KEYS[2], 'life') or ''
local from = '-'
if life == ARGV[1] and life ~= '' then
  from = string.format('%.0f', tonumber(ARGV[2]) + 1) .. '-0'
end
return {life, redis.call('XRANGE', KEYS[1], from, '+')}
