package dev.es.server.broker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.es.common.ChannelName;
import dev.es.common.Event;
import dev.es.common.Json;
import io.lettuce.core.Range;
import io.lettuce.core.RedisException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Hands the events every server stores to this server's hub, each once and in its channel's order, for the
 * channels this server follows.
 *
 * <p>Every announcement names the stream position of its event and of the one before it. Per channel the
 * feed keeps the last position it delivered (its cursor): an announcement at or below it is a duplicate; one
 * whose previous position is not the cursor means announcements were missed (the connection was lost, the
 * channel was just followed), and the feed reads the stream from the cursor instead. After every
 * (re)subscription it reads every followed stream from its cursor, which is how what was published while this
 * server could not hear is delivered, with no gap and no duplicate. A read that fails (the command connection
 * may come back after the subscription does) is tried again every {@link #RETRY} until it succeeds.
 *
 * <p>Everything runs on one thread of its own, never on Lettuce's event loop, whose thread a blocking read
 * would need.
 */
final class RedisFeed extends RedisPubSubAdapter<String, String> {

    private static final System.Logger LOG = System.getLogger(RedisFeed.class.getName());
    private static final TypeReference<Map<String, String>> FIELDS = new TypeReference<>() {};
    static final Duration RETRY = Duration.ofMillis(200);

    private final RedisCommands<String, String> redis;
    private final Broker.Sink sink;
    private final Duration timeout;
    private final ScheduledExecutorService thread =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("es-redis-feed").daemon().factory());
    /** A catch-up is scheduled after a failed read; the failure was told: on the feed's thread only. */
    private boolean retrying;
    private boolean warned;
    /** The followed channels and their cursors: written on the feed's thread only. */
    private final ConcurrentMap<String, Long> cursors = new ConcurrentHashMap<>();

    RedisFeed(RedisCommands<String, String> redis, Broker.Sink sink, Duration timeout) {
        this.redis = redis;
        this.sink = sink;
        this.timeout = timeout;
    }

    /** Follows a channel: delivers what its stream holds (it becomes the local history), then what comes. */
    void follow(String channel) {
        if (cursors.containsKey(channel)) {
            return;
        }
        Future<?> followed = thread.submit(() -> {
            if (!cursors.containsKey(channel)) {
                readFrom(channel, 0);
            }
        });
        try {
            followed.get(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw RedisBroker.unavailable("cannot read channel " + channel, e.getCause());
        } catch (TimeoutException e) {
            followed.cancel(false);
            throw RedisBroker.unavailable("cannot read channel " + channel, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RedisBroker.unavailable("interrupted reading channel " + channel, e);
        }
    }

    @Override
    public void message(String channel, String announcement) {
        thread.execute(() -> receive(announcement));
    }

    @Override
    public void subscribed(String channel, long count) {
        thread.execute(this::catchUp);
    }

    void stop() {
        thread.shutdownNow();
    }

    private void receive(String text) {
        Map<String, String> announcement;
        try {
            announcement = Json.MAPPER.readValue(text, FIELDS);
        } catch (JsonProcessingException e) {
            LOG.log(System.Logger.Level.WARNING, "es: ignoring an unreadable announcement from Redis", e);
            return;
        }
        String channel = announcement.get("c");
        if ("x".equals(announcement.get("t"))) {
            if (channel.equals(ChannelName.ALL)) {
                cursors.clear();
            } else {
                cursors.remove(channel);
            }
            sink.closeChannel(channel);
            return;
        }
        Long cursor = cursors.get(channel);
        long position = Long.parseLong(announcement.get("p"));
        if (cursor == null || position <= cursor) {
            return;
        }
        if (Long.parseLong(announcement.get("q")) != cursor) {
            tryReadFrom(channel, cursor);
            return;
        }
        sink.deliver(channel, event(announcement));
        cursors.put(channel, position);
    }

    private void catchUp() {
        retrying = false;
        cursors.forEach(this::tryReadFrom);
        if (!retrying && warned) {
            warned = false;
            LOG.log(System.Logger.Level.INFO, "es: caught up with Redis");
        }
    }

    private void tryReadFrom(String channel, long cursor) {
        try {
            readFrom(channel, cursor);
        } catch (RedisException e) {
            if (!warned) {
                warned = true;
                LOG.log(System.Logger.Level.WARNING, "es: cannot read from Redis, trying again every "
                        + RETRY.toMillis() + " ms: " + e.getMessage());
            }
            if (!retrying) {
                retrying = true;
                thread.schedule(this::catchUp, RETRY.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    /** Delivers the stream's events after the cursor, in order, and moves the cursor past them. */
    private void readFrom(String channel, long cursor) {
        List<StreamMessage<String, String>> entries =
                redis.xrange(RedisBroker.streamKey(channel), Range.create((cursor + 1) + "-0", "+"));
        long delivered = cursor;
        for (StreamMessage<String, String> entry : entries) {
            long position = position(entry.getId());
            if (position > delivered) {
                sink.deliver(channel, event(entry.getBody()));
                delivered = position;
            }
        }
        cursors.put(channel, delivered);
    }

    private static long position(String streamId) {
        return Long.parseLong(streamId.substring(0, streamId.indexOf('-')));
    }

    /** The event in a stream entry's or an announcement's fields: i (id), d (data), e (event), r (retry). */
    private static Event event(Map<String, String> fields) {
        String retry = fields.get("r");
        return new Event(fields.get("i"), fields.get("e"), fields.get("d"), retry == null ? null : Long.valueOf(retry));
    }
}
