package dev.es.server.broker;

import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * This server's subscriber counts, kept in Redis for the other servers, checked every {@link #CHECK}: a
 * heartbeat in es:servers at least every {@link #BEAT}, lasting {@link #KEEP}, says the server is alive; each
 * channel's count sits in that channel's slot ({@code here.lua}), written when it changes, so that one
 * channel's status is one step on one node; and all of them in the server's own hash (for the listing),
 * which expires with the heartbeat. A server that dies takes its counts with it within {@link #KEEP}. Every
 * count is written again when the server's hash was found gone (Redis lost its data) and every {@link #REWRITE}.
 */
final class RedisPresence {

    static final Duration CHECK = Duration.ofMillis(100);
    static final Duration BEAT = Duration.ofSeconds(1);
    static final Duration KEEP = Duration.ofSeconds(3);
    /**
     * How often every count is written again in its channel's slot, changed or not: a node's failover may lose
     * the last writes before it, and nothing else would tell.
     */
    static final Duration REWRITE = Duration.ofSeconds(30);

    private static final RedisScript PRESENCE = RedisScript.named("presence");
    private static final RedisScript HERE = RedisScript.named("here");

    private final RedisConnections redis;
    private final Broker.Sink sink;
    private final String server;
    private final Duration timeout;
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("es-redis-presence").daemon().factory());
    /** The counts last written. */
    private Map<String, Integer> written = Map.of();
    /** The last write failed: every count is written again, as another server may have dropped them. */
    private boolean stale;
    private long writtenAtNanos;
    private long rewrittenAtNanos;

    RedisPresence(RedisConnections redis, Broker.Sink sink, String server, Duration timeout) {
        this.redis = redis;
        this.sink = sink;
        this.server = server;
        this.timeout = timeout;
    }

    void start() {
        timer.scheduleWithFixedDelay(this::check, 0, CHECK.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops writing and takes this server's counts out at once. */
    void stop() {
        timer.shutdownNow();
        try {
            // A write under way could put the counts back after they are taken out.
            timer.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            redis.sync().del(RedisBroker.SERVER_PREFIX + server);
            redis.sync().zrem(RedisBroker.SERVERS, server);
            writeHere(written, Map.of(), false);
        } catch (RuntimeException unreachable) {
            // The heartbeat and the server's hash expire by themselves; the other servers drop the rest.
        }
    }

    private void check() {
        Map<String, Integer> counts = sink.localSubscriberCounts();
        if (!stale && counts.equals(written) && System.nanoTime() - writtenAtNanos < BEAT.toNanos()) {
            return;
        }
        List<String> args = new ArrayList<>(List.of(Long.toString(KEEP.toMillis())));
        counts.forEach((channel, subscribers) -> {
            args.add(channel);
            args.add(Integer.toString(subscribers));
        });
        try {
            // The heartbeat first: a count of a server not (yet) alive is not counted.
            RedisBroker.liveServers(redis, server);
            long existed = PRESENCE.run(redis.sync(), ScriptOutputType.INTEGER,
                    new String[] {RedisBroker.SERVER_PREFIX + server}, args.toArray(String[]::new));
            long now = System.nanoTime();
            boolean every = stale || existed == 0 || now - rewrittenAtNanos > REWRITE.toNanos();
            writeHere(written, counts, every);
            written = counts;
            stale = false;
            writtenAtNanos = now;
            if (every) {
                rewrittenAtNanos = now;
            }
        } catch (RuntimeException unreachable) {
            // Any failure: one escaping would end the schedule, and this server's counts with it.
            stale = true;
        }
    }

    /** Writes each channel's count that differs from before (or every one), in its slot; 0 for those gone. */
    private void writeHere(Map<String, Integer> before, Map<String, Integer> now, boolean every) {
        Set<String> channels = new HashSet<>(before.keySet());
        channels.addAll(now.keySet());
        List<RedisScript.Call> calls = new ArrayList<>();
        for (String channel : channels) {
            Integer count = now.get(channel);
            if (!every && Objects.equals(before.get(channel), count)) {
                continue;
            }
            calls.add(new RedisScript.Call(new String[] {RedisBroker.hereKey(channel)},
                    new String[] {server, count == null ? "0" : Integer.toString(count)}));
        }
        HERE.runEach(redis.async(), calls, timeout);
    }
}
