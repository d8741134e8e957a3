package dev.es.server.broker;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.RedisPubSubListener;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this server hears from Redis: the control channel (channels made, every channel closed), and for each
 * channel it follows, that channel's shard channel, on the node serving its slot — so that an event reaches
 * only the servers that follow its channel.
 *
 * <p>Lettuce's own handling would lose shard channels: it forgets one for good when Redis drops it (its slot
 * moved, a failover), and after a reconnect it subscribes them all in one command, which a cluster refuses
 * when they span slots. So these connections are never reconnected by Lettuce: when one drops or Redis drops
 * a shard channel, the owner is told ({@code lost}), and calls {@link #resubscribe}: the topology is asked
 * again, and every channel subscribed slot by slot on the node serving it now. Not thread-safe: the feed's
 * thread only.
 */
final class RedisSubscriptions implements RedisConnectionStateListener {

    /** The classic (not sharded) channel every server hears: channels made, every channel closed. */
    static final String CONTROL = "es:control";

    private final RedisConnections redis;
    private final RedisPubSubListener<String, String> listener;
    private final Runnable lost;
    /** The shard channels subscribed, which stay subscribed (a channel once followed stays followed). */
    private final Set<String> shardChannels = ConcurrentHashMap.newKeySet();
    /** Open connections by node ("host:port"); the first opened also carries the control channel. */
    private final Map<String, StatefulRedisPubSubConnection<String, String>> byNode = new ConcurrentHashMap<>();
    /** The node each slot's shard channels are subscribed on, to notice when the topology says otherwise. */
    private final Map<Integer, String> slotNodes = new HashMap<>();
    private volatile boolean closed;

    /**
     * @param listener told every message, on Lettuce's thread
     * @param lost told, on Lettuce's thread, that a subscription was lost and {@link #resubscribe} is due
     */
    RedisSubscriptions(RedisConnections redis, RedisPubSubListener<String, String> listener, Runnable lost) {
        this.redis = redis;
        this.listener = listener;
        this.lost = lost;
        redis.onSubscriptionDrop(this);
    }

    /** Subscribes the control channel; throws when Redis cannot be reached. */
    void start() {
        connectionFor(0);
    }

    /** Subscribes a channel's shard channel, if it is not yet; returns once Redis confirmed it. */
    void follow(String shardChannel) {
        if (shardChannels.contains(shardChannel)) {
            return;
        }
        int slot = SlotHash.getSlot(shardChannel);
        connectionFor(slot).sync().ssubscribe(shardChannel);
        shardChannels.add(shardChannel);
    }

    /**
     * Whether a slot's shard channels are subscribed on another node than the one the topology (which Lettuce
     * keeps up to date) says serves it now: the node they are on may no longer hear them, though it said nothing.
     */
    boolean misplaced() {
        try {
            for (Map.Entry<Integer, String> slot : slotNodes.entrySet()) {
                if (!slot.getValue().equals(key(redis.nodeFor(slot.getKey())))) {
                    return true;
                }
            }
        } catch (RedisException noneServesASlot) {
            // In the middle of a failover: asked again at the next check.
        }
        return false;
    }

    /**
     * Drops every connection, asks who serves each slot now, and subscribes everything again, slot by slot.
     * Throws when that cannot be done now; the caller tries again later.
     */
    void resubscribe() {
        closeConnections();
        slotNodes.clear();
        redis.refreshTopology();
        connectionFor(0);
        Map<Integer, List<String>> bySlot = new TreeMap<>(SlotHash.partition(
                io.lettuce.core.codec.StringCodec.UTF8, shardChannels));
        for (Map.Entry<Integer, List<String>> slot : bySlot.entrySet()) {
            connectionFor(slot.getKey()).sync().ssubscribe(slot.getValue().toArray(String[]::new));
        }
    }

    boolean isOpen() {
        return !byNode.isEmpty() && byNode.values().stream().allMatch(StatefulRedisPubSubConnection::isOpen);
    }

    void close() {
        closed = true;
        closeConnections();
    }

    private StatefulRedisPubSubConnection<String, String> connectionFor(int slot) {
        RedisURI node = redis.nodeFor(slot);
        String key = key(node);
        slotNodes.put(slot, key);
        StatefulRedisPubSubConnection<String, String> open = byNode.get(key);
        if (open != null) {
            return open;
        }
        StatefulRedisPubSubConnection<String, String> connection = redis.connectPubSub(node);
        connection.addListener(new Forwarder());
        boolean first = byNode.isEmpty();
        byNode.put(key, connection);
        if (first) {
            connection.sync().subscribe(CONTROL);
        }
        return connection;
    }

    private static String key(RedisURI node) {
        return node.getHost() + ":" + node.getPort();
    }

    private void closeConnections() {
        Map<String, StatefulRedisPubSubConnection<String, String>> open = new HashMap<>(byNode);
        byNode.clear();
        open.values().forEach(StatefulRedisPubSubConnection::close);
    }

    @Override
    public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
        if (!closed && byNode.containsValue(connection)) {
            lost.run();
        }
    }

    /** Hands messages on; a shard channel Redis dropped by itself means the subscriptions must be made again. */
    private final class Forwarder extends RedisPubSubAdapter<String, String> {
        @Override
        public void message(String channel, String message) {
            listener.message(channel, message);
        }

        @Override
        public void smessage(String shardChannel, String message) {
            listener.smessage(shardChannel, message);
        }

        @Override
        public void sunsubscribed(String shardChannel, long count) {
            if (!closed) {
                lost.run();
            }
        }
    }
}
