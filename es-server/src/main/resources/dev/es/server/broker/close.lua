-- Closes a channel for every server: drops its stream and figures, then tells the servers that follow it to
-- disconnect its subscribers. KEYS: the channel's stream, figures and shard channel (one slot); ARGV[1] the
-- channel. The caller takes it out of es:names.
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('SPUBLISH', KEYS[3], cjson.encode({t = 'x', c = ARGV[1]}))
return 1
