package dev.es.server.broker;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.TrustManagerFactory;

/**
 * The Redis es talks to: one server, or a cluster found from the seed nodes given (es asks the first it
 * reaches whether it is a cluster node). Commands go through one connection that Lettuce routes, in a cluster
 * by each command's first key; subscriptions go to the node serving a slot, on connections of their own
 * ({@link RedisSubscriptions}), which is what a cluster's sharded pub/sub needs and works on one server alike.
 */
final class RedisConnections implements AutoCloseable {

    private final RedisURI seed;
    private final ClientResources resources;
    /** Commands on one server. */
    private final RedisClient client;
    /** Subscriptions, to one server or a cluster's nodes, never reconnected by Lettuce (see {@link #connectPubSub}). */
    private final RedisClient subscribing;
    /** Null on one server. */
    private final RedisClusterClient cluster;
    /** The commands' connection: to the one server, or (null) routed by Lettuce in the cluster. */
    private final StatefulRedisConnection<String, String> single;
    private final StatefulRedisClusterConnection<String, String> routed;
    private final AtomicBoolean refreshing = new AtomicBoolean();
    /** On one server, the connection of publishes that wait for replicas; made when first needed. */
    private StatefulRedisConnection<String, String> acking;
    private final RedisClusterCommands<String, String> sync;
    private final RedisClusterAsyncCommands<String, String> async;

    private RedisConnections(RedisURI seed, ClientResources resources, RedisClient client, RedisClient subscribing,
            RedisClusterClient cluster, StatefulRedisConnection<String, String> single,
            StatefulRedisClusterConnection<String, String> routed) {
        this.seed = seed;
        this.resources = resources;
        this.client = client;
        this.subscribing = subscribing;
        this.cluster = cluster;
        this.single = single;
        this.routed = routed;
        this.sync = routed != null ? routed.sync() : single.sync();
        this.async = routed != null ? routed.async() : single.async();
    }

    /**
     * Connects to the first seed that answers and, when it is a cluster node, to the whole cluster.
     *
     * @throws IllegalArgumentException when several seeds are given and the one reached is not a cluster node
     * @throws RedisException when no seed can be reached
     */
    static RedisConnections connect(List<RedisURI> seeds, TrustManagerFactory trust) {
        ClientResources resources = DefaultClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS))
                .build();
        RedisClient client = RedisClient.create(resources);
        client.setOptions(options(ClientOptions.builder(), trust).build());
        RedisClient subscribing = RedisClient.create(resources);
        subscribing.setOptions(options(ClientOptions.builder(), trust).autoReconnect(false).build());
        RedisClusterClient cluster = null;
        try {
            RedisException unreachable = null;
            for (RedisURI seed : seeds) {
                StatefulRedisConnection<String, String> single;
                try {
                    single = client.connect(seed);
                } catch (RedisException e) {
                    unreachable = e;
                    continue;
                }
                requireSeven(single.sync().info("server"), seed);
                if (!single.sync().info("cluster").contains("cluster_enabled:1")) {
                    if (seeds.size() > 1) {
                        single.close();
                        throw new IllegalArgumentException("several Redis nodes were given, but " + location(seed)
                                + " is not a cluster node: give one URI for a single Redis");
                    }
                    return new RedisConnections(seed, resources, client, subscribing, null, single, null);
                }
                single.close();
                if (seed.getDatabase() != 0) {
                    throw new IllegalArgumentException("a Redis Cluster has database 0 only, not the "
                            + seed.getDatabase() + " of " + location(seed));
                }
                cluster = RedisClusterClient.create(resources, seeds);
                cluster.setOptions(options(ClusterClientOptions.builder(), trust)
                        // Follows a failover or a slot moved: on redirects and failed reconnects at once, and
                        // every few seconds in case nothing asked.
                        .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                                .enableAllAdaptiveRefreshTriggers()
                                .enablePeriodicRefresh(Duration.ofSeconds(5))
                                .build())
                        .build());
                return new RedisConnections(seed, resources, client, subscribing, cluster, null, cluster.connect());
            }
            throw unreachable;
        } catch (RuntimeException e) {
            shutdown(resources, cluster, client, subscribing);
            throw e;
        }
    }

    /** Sharded pub/sub (SPUBLISH, SSUBSCRIBE), which es announces events with, came in Redis 7.0. */
    private static void requireSeven(String info, RedisURI seed) {
        Matcher version = Pattern.compile("(?m)^redis_version:(\\d+)\\.(\\S+)").matcher(info);
        if (version.find() && Integer.parseInt(version.group(1)) < 7) {
            throw new IllegalArgumentException("es needs Redis 7.0 or newer (sharded pub/sub); " + location(seed) + " is Redis "
                    + version.group(1) + "." + version.group(2).strip());
        }
    }

    /** What both kinds of client share; the builder's own type comes back, so that a cluster's can go on. */
    private static <B extends ClientOptions.Builder> B options(B options, TrustManagerFactory trust) {
        options.autoReconnect(true)
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
        return options;
    }

    /** Commands, routed in a cluster by their first key. */
    RedisClusterCommands<String, String> sync() {
        return sync;
    }

    /** The same connection, for commands sent together and awaited together. */
    RedisClusterAsyncCommands<String, String> async() {
        return async;
    }

    /**
     * The commands of the primary now serving the key's slot, on a connection that routed commands do not use:
     * for a write and a WAIT after it, which counts that connection's writes and holds it until answered.
     */
    RedisClusterCommands<String, String> primaryFor(String key) {
        if (cluster == null) {
            return acking().sync();
        }
        RedisClusterNode node = cluster.getPartitions().getMasterBySlot(SlotHash.getSlot(key));
        if (node == null) {
            throw new RedisException("no primary serves the slot of " + key + " now");
        }
        return routed.getConnection(node.getNodeId()).sync();
    }

    private synchronized StatefulRedisConnection<String, String> acking() {
        if (acking == null) {
            acking = client.connect(seed);
        }
        return acking;
    }

    /**
     * The answer of a command sent without waiting, waited for at most the timeout.
     *
     * @throws RedisException when it failed, did not answer in time, or the wait was interrupted
     */
    static <T> T await(RedisFuture<T> answer, Duration timeout) {
        try {
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RedisException redis ? redis : new RedisException(e.getCause());
        } catch (TimeoutException e) {
            throw new RedisCommandTimeoutException("no answer within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RedisException("interrupted", e);
        }
    }

    /** Asks the cluster who serves what now (nothing to ask of one server). */
    void refreshTopology() {
        if (cluster != null) {
            cluster.refreshPartitions();
        }
    }

    /**
     * Asks the cluster who serves what, without waiting, unless that is under way: for a failure on a node's own
     * connection, which (unlike routed commands) does not make Lettuce ask by itself.
     */
    void refreshTopologySoon() {
        if (cluster != null && !refreshing.getAndSet(true)) {
            cluster.refreshPartitionsAsync().whenComplete((done, failed) -> refreshing.set(false));
        }
    }

    /** The URI of the primary serving the slot, with the seed's credentials and TLS; on one server, the server. */
    RedisURI nodeFor(int slot) {
        if (cluster == null) {
            return seed;
        }
        RedisClusterNode node = cluster.getPartitions().getMasterBySlot(slot);
        if (node == null) {
            throw new RedisException("no primary serves slot " + slot + " now");
        }
        RedisURI uri = RedisURI.builder(seed).withHost(node.getUri().getHost()).withPort(node.getUri().getPort()).build();
        uri.setTimeout(seed.getTimeout());
        return uri;
    }

    /**
     * A subscription connection to the node that Lettuce does not reconnect: its owner resubscribes as a whole,
     * slot by slot, after asking who serves them (Lettuce's own resubscription would lose shard channels).
     */
    StatefulRedisPubSubConnection<String, String> connectPubSub(RedisURI node) {
        return subscribing.connectPubSub(node);
    }

    /** Tells the listener when a connection of {@link #connectPubSub} drops. */
    void onSubscriptionDrop(RedisConnectionStateListener listener) {
        subscribing.addListener(listener);
    }

    /** The seed's address without its password, for messages. */
    String location() {
        return location(seed) + (cluster == null ? "" : " (a cluster)");
    }

    static String location(RedisURI uri) {
        return (uri.isSsl() ? "rediss://" : "redis://") + uri.getHost() + ":" + uri.getPort()
                + (uri.getDatabase() == 0 ? "" : "/" + uri.getDatabase());
    }

    boolean isOpen() {
        return single != null ? single.isOpen() : routed.isOpen();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (acking != null) {
                acking.close();
            }
        }
        if (single != null) {
            single.close();
        } else {
            routed.close();
        }
        shutdown(resources, cluster, client, subscribing);
    }

    private static void shutdown(ClientResources resources, AbstractRedisClient... clients) {
        for (AbstractRedisClient each : clients) {
            if (each != null) {
                each.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
        }
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
