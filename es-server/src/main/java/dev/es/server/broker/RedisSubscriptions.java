package dev.es.server.broker;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.RedisPubSubListener;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * again, and every slot not subscribed where it is served now is subscribed there, slot by slot; a node that
 * cannot be reached leaves only its own slots to the next try. Not thread-safe: the feed's thread only.
 */
final class RedisSubscriptions implements RedisConnectionStateListener {

    /** The classic (not sharded) channel every server hears: channels made, every channel closed. */
    static final String CONTROL = "es:control";

    private final RedisConnections redis;
    private final RedisPubSubListener<String, String> listener;
    private final Runnable lost;
    /**
     * The shard channels followed, by slot; Lettuce's threads read it to tell a drop Redis made from one asked for.
     */
    private final Map<Integer, Set<String>> followed = new ConcurrentHashMap<>();
    /** Open connections by node ("host:port"). */
    private final Map<String, StatefulRedisPubSubConnection<String, String>> byNode = new ConcurrentHashMap<>();
    /** The node each slot's shard channels are subscribed on; a slot not in it is to be subscribed. */
    private final Map<Integer, String> slotNodes = new HashMap<>();
    /** Slots of which Redis dropped a shard channel by itself: written on Lettuce's threads. */
    private final Set<Integer> dropped = ConcurrentHashMap.newKeySet();
    /** The node carrying the control channel, or null when it is to be subscribed. */
    private String controlNode;
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
        subscribeControl();
    }

    /**
     * Subscribes a channel's shard channel, if it is not yet; returns once Redis confirmed it. If its slot is not
     * subscribed where it is served now, every followed channel of the slot is subscribed there with it.
     */
    void follow(String shardChannel) {
        if (isFollowed(shardChannel)) {
            return;
        }
        int slot = SlotHash.getSlot(shardChannel);
        RedisURI node = redis.nodeFor(slot);
        StatefulRedisPubSubConnection<String, String> connection = byNode.get(key(node));
        if (key(node).equals(slotNodes.get(slot)) && connection != null && connection.isOpen()) {
            connection.sync().ssubscribe(shardChannel);
            channelsOf(slot).add(shardChannel);
        } else {
            List<String> all = new ArrayList<>(followed.getOrDefault(slot, Set.of()));
            all.add(shardChannel);
            subscribeSlot(slot, all);
            channelsOf(slot).add(shardChannel);
        }
    }

    /** Stops hearing a channel's shard channel. */
    void unfollow(String shardChannel) {
        // Out of the set first: Redis's confirmation is then known for one asked for, not a loss.
        int slot = SlotHash.getSlot(shardChannel);
        Set<String> ofSlot = followed.get(slot);
        if (ofSlot == null || !ofSlot.remove(shardChannel)) {
            return;
        }
        String node = slotNodes.get(slot);
        StatefulRedisPubSubConnection<String, String> connection = node == null ? null : byNode.get(node);
        if (ofSlot.isEmpty()) {
            followed.remove(slot);
            slotNodes.remove(slot);
        }
        if (connection != null && connection.isOpen()) {
            // Not waited for: if it fails, the connection is going, and what is subscribed again is what is followed.
            connection.async().sunsubscribe(shardChannel);
        }
    }

    /**
     * Asks the topology again, and subscribes the control channel and each slot's shard channels where they are
     * not subscribed on the node serving them now (a connection dropped, Redis dropped them, or the slot moved).
     *
     * @return whether everything is subscribed; if not, the nodes that could not be reached are tried next time
     */
    boolean resubscribe() {
        redis.refreshTopology();
        for (Map.Entry<String, StatefulRedisPubSubConnection<String, String>> open : Map.copyOf(byNode).entrySet()) {
            if (!open.getValue().isOpen()) {
                forget(open.getKey());
            }
        }
        dropped.forEach(slot -> {
            dropped.remove(slot);
            slotNodes.remove(slot);
        });
        boolean whole = true;
        if (controlNode == null) {
            try {
                subscribeControl();
            } catch (RedisException e) {
                whole = false;
            }
        }
        for (Map.Entry<Integer, Set<String>> slot : followed.entrySet()) {
            try {
                if (!key(redis.nodeFor(slot.getKey())).equals(slotNodes.get(slot.getKey()))) {
                    subscribeSlot(slot.getKey(), List.copyOf(slot.getValue()));
                }
            } catch (RedisException e) {
                whole = false;
            }
        }
        return whole;
    }

    /**
     * Whether a slot's shard channels are subscribed on another node than the one the topology (which Lettuce
     * keeps up to date) says serves it now: the node they are on may no longer hear them, though it said nothing.
     */
    boolean misplaced() {
        for (Map.Entry<Integer, String> slot : slotNodes.entrySet()) {
            try {
                if (!slot.getValue().equals(key(redis.nodeFor(slot.getKey())))) {
                    return true;
                }
            } catch (RedisException noneServesIt) {
                // In the middle of a failover: asked again at the next check.
            }
        }
        return false;
    }

    /**
     * Whether the control channel is heard: a server is ready while it is, though a node serving some slots may
     * be down for a failover (publishes to those answer 503 meanwhile).
     */
    boolean isOpen() {
        String node = controlNode;
        StatefulRedisPubSubConnection<String, String> control = node == null ? null : byNode.get(node);
        return control != null && control.isOpen();
    }

    void close() {
        closed = true;
        byNode.values().forEach(StatefulRedisPubSubConnection::close);
        byNode.clear();
    }

    /** On slot 0's node if it answers, else on whichever node serving a followed slot does: any node will do. */
    private void subscribeControl() {
        RedisException last = null;
        for (int slot : candidateSlots()) {
            try {
                RedisURI node = redis.nodeFor(slot);
                connection(node).sync().subscribe(CONTROL);
                controlNode = key(node);
                return;
            } catch (RedisException e) {
                last = e;
            }
        }
        throw last;
    }

    private List<Integer> candidateSlots() {
        List<Integer> slots = new ArrayList<>(List.of(0));
        slotNodes.keySet().stream().filter(slot -> slot != 0).forEach(slots::add);
        return slots;
    }

    /**
     * Subscribes the slot's shard channels on the node serving it now, and records it there once Redis confirmed
     * them: a slot recorded on a node has every followed channel of it subscribed there.
     */
    private void subscribeSlot(int slot, List<String> channels) {
        slotNodes.remove(slot);
        RedisURI node = redis.nodeFor(slot);
        connection(node).sync().ssubscribe(channels.toArray(String[]::new));
        slotNodes.put(slot, key(node));
    }

    /** The slot's followed shard channels, to read or to add to. */
    private Set<String> channelsOf(int slot) {
        return followed.computeIfAbsent(slot, none -> ConcurrentHashMap.newKeySet());
    }

    private boolean isFollowed(String shardChannel) {
        Set<String> ofSlot = followed.get(SlotHash.getSlot(shardChannel));
        return ofSlot != null && ofSlot.contains(shardChannel);
    }

    private StatefulRedisPubSubConnection<String, String> connection(RedisURI node) {
        String key = key(node);
        StatefulRedisPubSubConnection<String, String> open = byNode.get(key);
        if (open != null && open.isOpen()) {
            return open;
        }
        if (open != null) {
            // What it carried is to be subscribed again: the drop was told, so a resubscription is coming.
            forget(key);
        }
        StatefulRedisPubSubConnection<String, String> connection = redis.connectPubSub(node);
        connection.addListener(new Forwarder());
        byNode.put(key, connection);
        return connection;
    }

    /** Closes a node's connection and marks what it carried (slots, the control channel) as not subscribed. */
    private void forget(String node) {
        StatefulRedisPubSubConnection<String, String> connection = byNode.remove(node);
        if (connection != null) {
            connection.close();
        }
        slotNodes.values().removeIf(node::equals);
        if (node.equals(controlNode)) {
            controlNode = null;
        }
    }

    private static String key(RedisURI node) {
        return node.getHost() + ":" + node.getPort();
    }

    @Override
    public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
        if (!closed && byNode.containsValue(connection)) {
            lost.run();
        }
    }

    /** Hands messages on; a shard channel Redis dropped by itself means its slot must be subscribed again. */
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
            if (!closed && isFollowed(shardChannel)) {
                dropped.add(SlotHash.getSlot(shardChannel));
                lost.run();
            }
        }
    }
}
