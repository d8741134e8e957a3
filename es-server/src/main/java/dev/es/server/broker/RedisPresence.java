package dev.es.server.broker;

import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * This server's subscriber counts, kept in Redis for the other servers: written when they change (checked
 * every {@link #CHECK}) and at least every {@link #BEAT}, and kept there only {@link #KEEP}, so that a
 * server that dies takes its counts with it within that time.
 */
final class RedisPresence {

    static final Duration CHECK = Duration.ofMillis(100);
    static final Duration BEAT = Duration.ofSeconds(1);
    static final Duration KEEP = Duration.ofSeconds(3);

    private static final RedisScript PRESENCE = RedisScript.named("presence");

    private final RedisCommands<String, String> redis;
    private final Broker.Sink sink;
    private final String server;
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("es-redis-presence").daemon().factory());
    /** The counts last written, or null when the last write failed. */
    private Map<String, Integer> written;
    private long writtenAtNanos;

    RedisPresence(RedisCommands<String, String> redis, Broker.Sink sink, String server) {
        this.redis = redis;
        this.sink = sink;
        this.server = server;
    }

    void start() {
        timer.scheduleWithFixedDelay(this::check, 0, CHECK.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops writing and takes this server's counts out at once. */
    void stop() {
        timer.shutdownNow();
        try {
            // A write under way could put the counts back after they are taken out.
            timer.awaitTermination(RedisBroker.DEFAULT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            redis.del(RedisBroker.SERVER_PREFIX + server);
            redis.zrem(RedisBroker.SERVERS, server);
        } catch (RedisException unreachable) {
            // They expire by themselves.
        }
    }

    private void check() {
        Map<String, Integer> counts = sink.localSubscriberCounts();
        if (counts.equals(written) && System.nanoTime() - writtenAtNanos < BEAT.toNanos()) {
            return;
        }
        List<String> args = new ArrayList<>(List.of(server, Long.toString(KEEP.toMillis())));
        counts.forEach((channel, subscribers) -> {
            args.add(channel);
            args.add(Integer.toString(subscribers));
        });
        try {
            PRESENCE.run(redis, ScriptOutputType.INTEGER, new String[0], args.toArray(String[]::new));
            written = counts;
            writtenAtNanos = System.nanoTime();
        } catch (RuntimeException unreachable) {
            // Any failure: one escaping would end the schedule, and this server's counts with it.
            written = null;
        }
    }
}
