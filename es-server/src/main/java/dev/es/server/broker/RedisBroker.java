package dev.es.server.broker;

import dev.es.common.ChannelName;
import dev.es.common.ChannelStatus;
import dev.es.common.EsException;
import dev.es.common.Event;
import dev.es.common.PemFiles;
import dev.es.server.ServerLog;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.DefaultClientResources;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import javax.net.ssl.TrustManagerFactory;

/**
 * Several servers as one hub, on Redis: each channel's events in a stream (its history, trimmed to the
 * history length, and the order every server delivers in), announced to every server over pub/sub
 * ({@link RedisFeed}); each server's subscriber counts in a hash that expires unless renewed
 * ({@link RedisPresence}). The Lua scripts beside this class say what each step does in Redis.
 *
 * <p>While Redis cannot be reached, whatever must store or read answers {@link BrokerUnavailableException}
 * at once (Lettuce rejects commands while disconnected rather than queueing them), streams already open stay
 * open, and Lettuce reconnects with backoff; the feed then catches up.
 */
final class RedisBroker implements Broker {

    static final String EVENTS = "es:events";
    static final String SERVERS = "es:servers";
    static final String SERVER_PREFIX = "es:server:";
    /** Without a timeout in the URI: long enough for a busy Redis, short enough that a publisher is told. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

    private static final RedisScript PUBLISH = RedisScript.named("publish");
    private static final RedisScript CLOSE = RedisScript.named("close");
    private static final RedisScript STATUSES = RedisScript.named("statuses");
    /** Every channel with a stream, in a sorted set (all scores 0), for prefix lookups by ZRANGEBYLEX. */
    private static final String NAMES_KEY = "es:names";
    private static final int NAMES_PAGE = 1000;

    private final String location;
    private final String server = UUID.randomUUID().toString();
    private final long streamLength;
    private final Duration timeout;
    private final ClientResources resources;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisCommands<String, String> redis;
    private StatefulRedisPubSubConnection<String, String> announcements;
    private RedisFeed feed;
    private RedisPresence presence;
    private volatile Sink sink;
    private final ServerLog log;
    private final AtomicBoolean closed = new AtomicBoolean();

    private RedisBroker(RedisURI uri, TrustManagerFactory trust, int history, ServerLog log) {
        this.log = log;
        this.location = location(uri);
        // A stream keeps at least the newest entry: with no history kept for replay it still carries events.
        this.streamLength = Math.max(history, 1);
        this.timeout = uri.getTimeout();
        this.resources = DefaultClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS))
                .build();
        this.client = RedisClient.create(resources, uri);
        ClientOptions.Builder options = ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                // A command in flight when the connection drops fails rather than being sent again after the
                // reconnect: a publish Redis may already have stored must not be stored twice.
                .replayFilter(command -> true)
                // A link that dies without a word (a partition) is noticed within about 10 s.
                .socketOptions(SocketOptions.builder()
                        .keepAlive(SocketOptions.KeepAliveOptions.builder()
                                .enable()
                                .idle(Duration.ofSeconds(5))
                                .interval(Duration.ofSeconds(1))
                                .count(3)
                                .build())
                        .build());
        if (trust != null) {
            options.sslOptions(SslOptions.builder().jdkSslProvider().trustManager(trust).build());
        }
        client.setOptions(options.build());
        try {
            this.connection = client.connect();
        } catch (RuntimeException e) {
            shutdownClient();
            throw unavailable("cannot reach Redis at " + location, e);
        }
        this.redis = connection.sync();
    }

    /**
     * Connects to Redis, or fails at once.
     *
     * @param uri {@code redis://[user:password@]host[:port][/db]}, or {@code rediss://} for TLS
     * @param caCert a PEM file of the certificate authorities to trust for TLS, or null for the Java runtime's
     * @param history events kept per channel
     * @throws IllegalArgumentException when the URI is not a Redis URI or the file holds no PEM certificate
     * @throws BrokerUnavailableException when Redis cannot be reached
     */
    static RedisBroker connect(String uri, Path caCert, int history, ServerLog log) {
        RedisURI parsed;
        try {
            parsed = RedisURI.create(uri);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("invalid Redis URI '" + uri + "': " + e.getMessage(), e);
        }
        if (!uri.contains("timeout=")) {
            parsed.setTimeout(DEFAULT_TIMEOUT);
        }
        // Read now, so that a file that is not PEM certificates is a usage error naming it, not a failed connect.
        TrustManagerFactory trust = caCert == null ? null : PemFiles.trustManagers(caCert);
        return new RedisBroker(parsed, trust, history, log);
    }

    static String streamKey(String channel) {
        return "es:channel:" + channel;
    }

    static BrokerUnavailableException unavailable(String what, Throwable cause) {
        String reason = cause == null || cause.getMessage() == null ? "" : ": " + EsException.rootMessage(cause);
        return new BrokerUnavailableException(what + reason, cause);
    }

    @Override
    public void connect(Sink target) {
        sink = target;
        feed = new RedisFeed(redis, target, timeout, log);
        presence = new RedisPresence(redis, target, server);
        try {
            announcements = client.connectPubSub();
            announcements.addListener(feed);
            announcements.sync().subscribe(EVENTS);
        } catch (RuntimeException e) {
            close();
            throw unavailable("cannot reach Redis at " + location, e);
        }
        presence.start();
    }

    @Override
    public Event publish(String channel, Event event) {
        if (channel.equals(ChannelName.ALL)) {
            for (ChannelStatus each : statuses()) {
                publishOne(each.name(), event);
            }
            return event;
        }
        return publishOne(channel, event);
    }

    private Event publishOne(String channel, Event event) {
        try {
            String id = PUBLISH.run(redis, ScriptOutputType.VALUE, new String[] {streamKey(channel)},
                    channel,
                    orEmpty(event.id()),
                    orEmpty(event.event()),
                    event.data(),
                    event.retry() == null ? "" : event.retry().toString(),
                    Long.toString(streamLength));
            return event.withId(id);
        } catch (RedisException e) {
            // Refused while disconnected, or lost in flight (then perhaps stored): never answered as stored.
            throw unavailable("Redis at " + location + " did not confirm the event was stored", e);
        }
    }

    @Override
    public void follow(String channel, String lastEventId) {
        feed.follow(channel, lastEventId != null);
    }

    @Override
    public boolean connected() {
        return connection.isOpen() && announcements != null && announcements.isOpen();
    }

    @Override
    public void closeChannel(String channel) {
        try {
            CLOSE.run(redis, ScriptOutputType.INTEGER, new String[0], channel);
        } catch (RedisException e) {
            throw unavailable("Redis at " + location + " did not close the channel", e);
        }
    }

    @Override
    public ChannelStatus status(String channel) {
        List<ChannelStatus> found = merge(elsewhere(channel), local(sink.localStatus(channel)));
        return found.isEmpty() ? null : found.getFirst();
    }

    @Override
    public List<ChannelStatus> statuses() {
        return merge(elsewhere(""), sink.localStatuses());
    }

    /** Each server places the events it delivers in its own order: a merged stream resumes per channel. */
    @Override
    public boolean ordersAcrossChannels() {
        return false;
    }

    /**
     * This server's channels and those of es:names, the sorted set of every channel with a stream (kept by the
     * publish and close scripts beside es:lives). A channel that only has subscribers on another server is not
     * in it: it has nothing to replay yet.
     */
    @Override
    public List<String> channelsStartingWith(String prefix, Predicate<String> wanted, int limit) {
        TreeSet<String> names = new TreeSet<>(sink.localChannelsStartingWith(prefix, wanted, limit));
        int found = 0;
        try {
            // A page at a time, until enough are wanted or none are left; '~' sorts after every name's characters.
            for (int offset = 0; found < limit; offset += NAMES_PAGE) {
                List<String> page = redis.zrangebylex(NAMES_KEY, Range.create(prefix, prefix + "~"),
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
            throw unavailable("Redis at " + location + " cannot tell which channels start with '" + prefix + "'", e);
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
        // Announcements first: one arriving after the feed stopped would have nowhere to go.
        if (announcements != null) {
            announcements.close();
        }
        if (feed != null) {
            feed.stop();
        }
        connection.close();
        shutdownClient();
    }

    /** Channels as Redis and the other servers know them (one, or every one for ""), by name. */
    private Map<String, ChannelStatus> elsewhere(String channel) {
        List<String> flat;
        try {
            flat = STATUSES.run(redis, ScriptOutputType.MULTI, new String[0], server, channel);
        } catch (RedisException e) {
            throw unavailable("Redis at " + location + " cannot tell the channels of every server", e);
        }
        Map<String, ChannelStatus> byName = new LinkedHashMap<>();
        for (int i = 0; i + 3 < flat.size(); i += 4) {
            String last = flat.get(i + 3);
            byName.put(flat.get(i), new ChannelStatus(flat.get(i), Integer.parseInt(flat.get(i + 1)),
                    Long.parseLong(flat.get(i + 2)),
                    last.isEmpty() ? null : Instant.ofEpochMilli(Long.parseLong(last)).toString()));
        }
        return byName;
    }

    /**
     * Redis's view with this server's subscribers added. A channel only this server has is listed while it has
     * subscribers: its local history mirrors a stream, so with none and no stream it is gone for the others.
     */
    private static List<ChannelStatus> merge(Map<String, ChannelStatus> elsewhere, List<ChannelStatus> here) {
        Map<String, ChannelStatus> all = new LinkedHashMap<>(elsewhere);
        for (ChannelStatus mine : here) {
            ChannelStatus theirs = all.get(mine.name());
            if (theirs != null) {
                all.put(mine.name(), new ChannelStatus(mine.name(), theirs.consumers() + mine.consumers(),
                        theirs.events(), theirs.lastEventAt()));
            } else if (mine.consumers() > 0) {
                all.put(mine.name(), new ChannelStatus(mine.name(), mine.consumers(), 0, null));
            }
        }
        List<ChannelStatus> sorted = new ArrayList<>(all.values());
        sorted.sort(Comparator.comparing(ChannelStatus::name));
        return sorted;
    }

    private static List<ChannelStatus> local(ChannelStatus status) {
        return status == null ? List.of() : List.of(status);
    }

    private void shutdownClient() {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }

    /** The URI without its password, for messages. */
    private static String location(RedisURI uri) {
        return (uri.isSsl() ? "rediss://" : "redis://") + uri.getHost() + ":" + uri.getPort()
                + (uri.getDatabase() == 0 ? "" : "/" + uri.getDatabase());
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
