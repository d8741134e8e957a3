package dev.es.server.broker;

import dev.es.common.ChannelName;
import dev.es.common.ChannelStatus;
import dev.es.common.EsException;
import dev.es.common.Event;
import dev.es.common.PemFiles;
import dev.es.server.ServerLog;
import io.lettuce.core.KeyValue;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import javax.net.ssl.TrustManagerFactory;

/**
 * Several servers as one hub, on one Redis or a Redis Cluster ({@link RedisConnections}): each channel's keys
 * share one hash slot ({@code es:{NAME}:…}), so that whatever touches a channel is one script on one node —
 * its events in a stream (its history, trimmed to the history length, and the order every server delivers
 * in), announced on its shard channel to the servers that follow it ({@link RedisFeed}); subscriber counts
 * per channel and per server ({@link RedisPresence}). Beside them, three keys of their own: es:names (the
 * channels with a stream, sorted, for listings and prefixes), es:servers (the live servers) and each
 * server's counts. The Lua scripts beside this class say what each step does in Redis.
 *
 * <p>While Redis (or the node serving a channel) cannot be reached, whatever must store or read answers
 * {@link BrokerUnavailableException} at once or within the timeout, streams already open stay open, the
 * command connections reconnect with backoff (and in a cluster follow the topology), and the feed subscribes
 * again and catches up.
 */
final class RedisBroker implements Broker {

    static final String SERVERS = "es:servers";
    static final String SERVER_PREFIX = "es:server:";
    /** Every channel with a stream, in a sorted set (all scores 0), for listings and prefix lookups by ZRANGEBYLEX. */
    static final String NAMES_KEY = "es:names";
    /** Without a timeout in the URI: long enough for a busy Redis, short enough that a publisher is told. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

    private static final RedisScript PUBLISH = RedisScript.named("publish");
    private static final RedisScript CLOSE = RedisScript.named("close");
    private static final RedisScript STATUS = RedisScript.named("status");
    private static final RedisScript SERVERS_ALIVE = RedisScript.named("servers");
    private static final int NAMES_PAGE = 1000;

    private final RedisConnections redis;
    private final String server = UUID.randomUUID().toString();
    private final long streamLength;
    private final int replicaAcks;
    private final Duration timeout;
    private RedisFeed feed;
    private RedisPresence presence;
    private volatile Sink sink;
    private final ServerLog log;
    private final AtomicBoolean closed = new AtomicBoolean();

    private RedisBroker(RedisConnections redis, Duration timeout, int history, int replicaAcks, ServerLog log) {
        this.redis = redis;
        this.log = log;
        this.timeout = timeout;
        // A stream keeps at least the newest entry: with no history kept for replay it still carries events.
        this.streamLength = Math.max(history, 1);
        this.replicaAcks = replicaAcks;
    }

    /**
     * Connects to Redis, or fails at once.
     *
     * @param uris one {@code redis://[user:password@]host[:port][/db]} (or {@code rediss://} for TLS), or several
     * nodes of one cluster, comma-separated
     * @param caCert a PEM file of the certificate authorities to trust for TLS, or null for the Java runtime's
     * @param history events kept per channel
     * @param replicaAcks replicas that must hold an event before its publish is answered (WAIT), 0 for none
     * @throws IllegalArgumentException when a URI is not a Redis URI, the file holds no PEM certificate, or several
     * URIs do not name a cluster
     * @throws BrokerUnavailableException when Redis cannot be reached
     */
    static RedisBroker connect(String uris, Path caCert, int history, int replicaAcks, ServerLog log) {
        List<RedisURI> seeds = new ArrayList<>();
        for (String uri : uris.split(",")) {
            RedisURI parsed;
            try {
                parsed = RedisURI.create(uri.strip());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("invalid Redis URI '" + uri.strip() + "': " + e.getMessage(), e);
            }
            if (!uri.contains("timeout=")) {
                parsed.setTimeout(DEFAULT_TIMEOUT);
            }
            seeds.add(parsed);
        }
        // Read now, so that a file that is not PEM certificates is a usage error naming it, not a failed connect.
        TrustManagerFactory trust = caCert == null ? null : PemFiles.trustManagers(caCert);
        try {
            return new RedisBroker(RedisConnections.connect(seeds, trust), seeds.getFirst().getTimeout(), history,
                    replicaAcks, log);
        } catch (RedisException e) {
            throw unavailable("cannot reach Redis at " + RedisConnections.location(seeds.getFirst()), e);
        }
    }

    /** A channel's keys: one hash slot per channel, named by the hash tag {NAME}. */
    static String streamKey(String channel) {
        return "es:{" + channel + "}:events";
    }

    static String metaKey(String channel) {
        return "es:{" + channel + "}:meta";
    }

    static String hereKey(String channel) {
        return "es:{" + channel + "}:here";
    }

    /** The shard channel its events are announced on. */
    static String feedChannel(String channel) {
        return "es:{" + channel + "}:feed";
    }

    private static String[] channelKeys(String channel) {
        return new String[] {streamKey(channel), metaKey(channel), feedChannel(channel)};
    }

    /** The live servers; {@code beating}, when not null, is kept alive for {@link RedisPresence#KEEP} more. */
    static List<String> liveServers(RedisConnections redis, String beating) {
        String[] args = beating == null ? new String[0] : new String[] {beating, Long.toString(RedisPresence.KEEP.toMillis())};
        return SERVERS_ALIVE.run(redis.sync(), ScriptOutputType.MULTI, new String[] {SERVERS}, args);
    }

    static BrokerUnavailableException unavailable(String what, Throwable cause) {
        String reason = cause == null || cause.getMessage() == null ? "" : ": " + EsException.rootMessage(cause);
        return new BrokerUnavailableException(what + reason, cause);
    }

    @Override
    public void connect(Sink target) {
        sink = target;
        feed = new RedisFeed(redis, target, timeout, log);
        presence = new RedisPresence(redis, target, server, timeout);
        try {
            feed.start();
        } catch (RuntimeException e) {
            close();
            throw unavailable("cannot reach Redis at " + redis.location(), e);
        }
        presence.start();
    }

    @Override
    public CompletableFuture<Event> publish(String channel, Event event) {
        if (channel.equals(ChannelName.ALL)) {
            for (ChannelStatus each : statuses()) {
                publishOne(each.name(), event);
            }
            return CompletableFuture.completedFuture(event);
        }
        return CompletableFuture.completedFuture(publishOne(channel, event));
    }

    private Event publishOne(String channel, Event event) {
        List<Object> stored;
        try {
            // With replica acks, the script and WAIT go on the primary's own connection: WAIT counts its writes.
            RedisClusterCommands<String, String> node = replicaAcks > 0 ? redis.primaryFor(streamKey(channel)) : redis.sync();
            stored = PUBLISH.run(node, ScriptOutputType.MULTI, channelKeys(channel),
                    channel,
                    orEmpty(event.id()),
                    orEmpty(event.event()),
                    event.data(),
                    event.retry() == null ? "" : event.retry().toString(),
                    Long.toString(streamLength));
            if (replicaAcks > 0) {
                // Half the command timeout: an answer, not a timeout, says how many replicas have it.
                long waited = timeout.toMillis() / 2;
                long acks = node.waitForReplication(replicaAcks, waited);
                if (acks < replicaAcks) {
                    throw new BrokerUnavailableException("Redis stored the event, but only " + acks + " of the "
                            + replicaAcks + " replicas asked for (--redis-replica-acks) confirmed it within " + waited
                            + " ms", null);
                }
            }
        } catch (RedisException e) {
            if (replicaAcks > 0) {
                // The primary's own connection follows no redirect: a failover is only learnt by asking.
                redis.refreshTopologySoon();
            }
            // Refused while disconnected, or lost in flight (then perhaps stored): never answered as stored.
            throw unavailable("Redis at " + redis.location() + " did not confirm the event was stored", e);
        }
        if ((Long) stored.get(1) == 1L) {
            index(channel);
        }
        return event.withId((String) stored.get(0));
    }

    /** Lists a channel the publish made: a step of its own, since es:names may live on another node. */
    private void index(String channel) {
        try {
            redis.sync().zadd(NAMES_KEY, 0, channel);
        } catch (RedisException e) {
            // The event is stored and announced; only listings and prefixes miss the channel until it is made again.
            log.warn("redis", "channel " + channel + " was made but could not be listed: " + EsException.rootMessage(e));
        }
    }

    @Override
    public void follow(String channel, String lastEventId) {
        feed.follow(channel, lastEventId != null);
    }

    @Override
    public void release(String channel) {
        feed.release(channel);
    }

    @Override
    public void forgotten(String channel) {
        feed.unfollow(channel);
    }

    @Override
    public boolean connected() {
        return redis.isOpen() && feed != null && feed.isOpen();
    }

    @Override
    public long eventsReceived() {
        return feed == null ? 0 : feed.received();
    }

    @Override
    public void closeChannel(String channel) {
        try {
            List<String> names = channel.equals(ChannelName.ALL) ? redis.sync().zrange(NAMES_KEY, 0, -1) : List.of(channel);
            for (String name : names) {
                CLOSE.run(redis.sync(), ScriptOutputType.INTEGER, channelKeys(name), name);
                redis.sync().zrem(NAMES_KEY, name);
                // A publish elsewhere may have made the channel again since the close: it stays listed.
                if (redis.sync().hexists(metaKey(name), "life")) {
                    redis.sync().zadd(NAMES_KEY, 0, name);
                }
            }
            if (channel.equals(ChannelName.ALL)) {
                // Channels with subscribers and no stream too: every server disconnects every subscriber.
                redis.sync().publish(RedisSubscriptions.CONTROL, "{\"t\":\"x\",\"c\":\"all\"}");
            }
        } catch (RedisException e) {
            throw unavailable("Redis at " + redis.location() + " did not close the channel", e);
        }
    }

    @Override
    public ChannelStatus status(String channel) {
        List<Object> figures;
        try {
            List<String> args = new ArrayList<>(List.of(server, Long.toString(RedisPresence.KEEP.toMillis())));
            args.addAll(liveServers(redis, null));
            figures = STATUS.run(redis.sync(), ScriptOutputType.MULTI, new String[] {metaKey(channel), hereKey(channel)},
                    args.toArray(String[]::new));
        } catch (RedisException e) {
            throw unavailable("Redis at " + redis.location() + " cannot tell the channel's status", e);
        }
        boolean hasStream = (Long) figures.get(0) == 1L;
        int elsewhere = ((Long) figures.get(3)).intValue();
        ChannelStatus mine = sink.localStatus(channel);
        int here = mine == null ? 0 : mine.consumers();
        if (!hasStream && elsewhere + here == 0) {
            return null;
        }
        return new ChannelStatus(channel, elsewhere + here, Long.parseLong((String) figures.get(1)),
                lastEventAt((String) figures.get(2)));
    }

    /** A channel's last event time as the scripts keep it (milliseconds, '' for none), as the API shows it. */
    private static String lastEventAt(String millis) {
        return millis.isEmpty() ? null : Instant.ofEpochMilli(Long.parseLong(millis)).toString();
    }

    /**
     * Every channel with a stream (es:names) or with subscribers on a live server (each server's hash), with
     * its figures read from its own slot, all sent before any is awaited.
     */
    @Override
    public List<ChannelStatus> statuses() {
        try {
            Map<String, Integer> consumers = new HashMap<>(sink.localSubscriberCounts());
            for (String other : liveServers(redis, null)) {
                if (!other.equals(server)) {
                    redis.sync().hgetall(SERVER_PREFIX + other).forEach((name, count) ->
                            consumers.merge(name, Integer.parseInt(count), Integer::sum));
                }
            }
            TreeSet<String> names = new TreeSet<>(redis.sync().zrange(NAMES_KEY, 0, -1));
            names.addAll(consumers.keySet());
            Map<String, RedisFuture<List<KeyValue<String, String>>>> sent = new LinkedHashMap<>();
            for (String name : names) {
                sent.put(name, redis.async().hmget(metaKey(name), "life", "published", "last"));
            }
            List<ChannelStatus> statuses = new ArrayList<>();
            for (Map.Entry<String, RedisFuture<List<KeyValue<String, String>>>> each : sent.entrySet()) {
                List<KeyValue<String, String>> figures = RedisConnections.await(each.getValue(), timeout);
                int subscribers = consumers.getOrDefault(each.getKey(), 0);
                if (!figures.get(0).hasValue() && subscribers == 0) {
                    continue;
                }
                statuses.add(new ChannelStatus(each.getKey(), subscribers, Long.parseLong(figures.get(1).getValueOrElse("0")),
                        lastEventAt(figures.get(2).getValueOrElse(""))));
            }
            return statuses;
        } catch (RedisException e) {
            throw unavailable("Redis at " + redis.location() + " cannot tell the channels of every server", e);
        }
    }

    /** Each server places the events it delivers in its own order: a merged stream resumes per channel. */
    @Override
    public boolean ordersAcrossChannels() {
        return false;
    }

    /**
     * This server's channels and those of es:names, the sorted set of every channel with a stream (kept beside
     * the publish and close scripts). A channel that only has subscribers on another server is not in it: it
     * has nothing to replay yet.
     */
    @Override
    public List<String> channelsStartingWith(String prefix, Predicate<String> wanted, int limit) {
        TreeSet<String> names = new TreeSet<>(sink.localChannelsStartingWith(prefix, wanted, limit));
        int found = 0;
        try {
            // A page at a time, until enough are wanted or none are left; '~' sorts after every name's characters.
            for (int offset = 0; found < limit; offset += NAMES_PAGE) {
                List<String> page = redis.sync().zrangebylex(NAMES_KEY, Range.create(prefix, prefix + "~"),
                        Limit.create(offset, NAMES_PAGE));
                for (String name : page) {
                    if (found < limit && wanted.test(name)) {
                        names.add(name);
                        found++;
                    }
                }
                if (page.size() < NAMES_PAGE) {
                    break;
                }
            }
        } catch (RedisException e) {
            throw unavailable("Redis at " + redis.location() + " cannot tell which channels start with '" + prefix + "'", e);
        }
        return names.stream().limit(limit).toList();
    }

    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        if (presence != null) {
            presence.stop();
        }
        if (feed != null) {
            feed.stop();
        }
        redis.close();
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
