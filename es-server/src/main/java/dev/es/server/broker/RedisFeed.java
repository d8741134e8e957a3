package dev.es.server.broker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.es.common.ChannelName;
import dev.es.common.EsException;
import dev.es.common.Event;
import dev.es.common.Json;
import dev.es.server.ServerLog;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import java.time.Duration;
import java.util.LinkedHashMap;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands the events every server stores to this server's hub, each once and in its channel's order, for the
 * channels this server follows: it hears them on each channel's shard channel ({@link RedisSubscriptions}),
 * subscribed when the channel is first followed here, before its stream is read.
 *
 * <p>Every announcement names its stream's life and the stream positions of its event and of the one before
 * it. Per channel the feed keeps the life it knows and the last position it delivered: an announcement of
 * that life at or below the position is a duplicate; one whose previous position is not it, or of another
 * life, means something was missed, and the feed reads the stream instead ({@code read.lua}: from the
 * position, or from the start of a new life). After every (re)subscription it reads every followed stream,
 * which is how what was published while this server could not hear is delivered, with no gap and no
 * duplicate. A read that fails (the command connection may come back after the subscription does) is tried
 * again every {@link #RETRY} until it succeeds.
 *
 * <p>Everything runs on one thread of its own, never on Lettuce's event loop, whose thread a blocking read
 * would need.
 */
final class RedisFeed extends RedisPubSubAdapter<String, String> {

    static final Duration RETRY = Duration.ofMillis(200);
    /** How often the feed checks that its subscriptions are on the nodes serving their slots now. */
    static final Duration PLACEMENT_CHECK = Duration.ofSeconds(1);

    private static final TypeReference<Map<String, String>> FIELDS = new TypeReference<>() {};
    private static final RedisScript READ = RedisScript.named("read");

    /** Where this server is in a channel's stream: the stream's life ("" before it has one) and position. */
    private record Place(String life, long position) {
        static final Place START = new Place("", 0);
    }

    private final RedisClusterCommands<String, String> redis;
    private final RedisSubscriptions subscriptions;
    private final Broker.Sink sink;
    private final ServerLog log;
    private final Duration timeout;
    private final ScheduledExecutorService thread =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("es-redis-feed").daemon().factory());
    /**
     * The followed channels. Written on the feed's thread only; a channel stays followed (a close starts it over)
     * until the hub forgets it, and never while a join or read it was followed for is under way ({@link #pinned}).
     */
    private final ConcurrentMap<String, Place> places = new ConcurrentHashMap<>();
    /** A catch-up is scheduled after a failed read; the failure was told: on the feed's thread only. */
    private boolean retrying;
    private boolean warned;
    /** Channels followed for a join or a read not yet done, by how many: not unfollowed meanwhile. */
    private final ConcurrentMap<String, Integer> pinned = new ConcurrentHashMap<>();
    /** Channels with an unfollow under way, by how many: a follow meanwhile must not take the shortcut. */
    private final ConcurrentMap<String, Integer> unfollowing = new ConcurrentHashMap<>();
    /** A resubscription is scheduled: set where a loss is seen, cleared on the feed's thread as it begins. */
    private final AtomicBoolean resubscribeDue = new AtomicBoolean();
    private final AtomicLong received = new AtomicLong();

    RedisFeed(RedisConnections redis, Broker.Sink sink, Duration timeout, ServerLog log) {
        this.log = log;
        this.redis = redis.sync();
        this.sink = sink;
        this.timeout = timeout;
        this.subscriptions = new RedisSubscriptions(redis, this, this::lost);
    }

    /**
     * Hears the control channel, and checks every {@link #PLACEMENT_CHECK} that each subscription is where the
     * topology says its slot is served; throws when Redis cannot be reached.
     */
    void start() {
        onFeedThread("cannot subscribe to Redis", subscriptions::start);
        thread.scheduleWithFixedDelay(logged(() -> {
            if (subscriptions.misplaced()) {
                lost();
            }
        }), PLACEMENT_CHECK.toMillis(), PLACEMENT_CHECK.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether the control channel is heard (see {@link RedisSubscriptions#isOpen}). */
    boolean isOpen() {
        return subscriptions.isOpen();
    }

    /** Events Redis sent this server: those of the channels it follows. */
    long received() {
        return received.get();
    }

    /**
     * Follows a channel: the first time, delivers what its stream holds (it becomes the local history), then
     * what comes. For a subscriber resuming from an event it saw (perhaps on another server), first reads
     * what this server may not have received yet, so that its replay has everything up to that event.
     */
    void follow(String channel, boolean resuming) {
        pinned.merge(channel, 1, Integer::sum);
        if (places.containsKey(channel) && !resuming && !unfollowing.containsKey(channel)) {
            return;
        }
        try {
            onFeedThread("cannot read channel " + channel + " from Redis", () -> {
                // Subscribed first: an event stored between the two is then both read and heard, and taken once.
                subscriptions.follow(RedisBroker.feedChannel(channel));
                try {
                    read(channel);
                } catch (RuntimeException e) {
                    if (!places.containsKey(channel)) {
                        subscriptions.unfollow(RedisBroker.feedChannel(channel));
                    }
                    throw e;
                }
            });
        } catch (RuntimeException e) {
            release(channel);
            throw e;
        }
    }

    /**
     * The join or read a follow was made for is done: the channel may be unfollowed again, and is, if the hub
     * did not take it (a history read of a channel with nothing retained here).
     */
    void release(String channel) {
        pinned.computeIfPresent(channel, (name, count) -> count > 1 ? count - 1 : null);
        if (!sink.holds(channel)) {
            unfollow(channel);
        }
    }

    /**
     * Stops following a channel the hub forgot (no subscribers, no history): its shard channel is unsubscribed
     * unless the hub holds the channel again by then. Never blocks: the hub calls it under the channel's lock. A
     * follow meanwhile waits for it (it comes after, on the feed's thread), so it subscribes and reads again.
     */
    void unfollow(String channel) {
        unfollowing.merge(channel, 1, Integer::sum);
        thread.execute(logged(() -> {
            try {
                if (!sink.holds(channel) && !pinned.containsKey(channel)) {
                    places.remove(channel);
                    subscriptions.unfollow(RedisBroker.feedChannel(channel));
                }
            } finally {
                unfollowing.computeIfPresent(channel, (name, count) -> count > 1 ? count - 1 : null);
            }
        }));
    }

    /** Runs the task on the feed's thread and waits for it, boundedly; a failure is Redis being unavailable. */
    private void onFeedThread(String what, Runnable task) {
        Future<?> done = thread.submit(task);
        try {
            done.get(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw RedisBroker.unavailable(what, e.getCause());
        } catch (TimeoutException e) {
            done.cancel(false);
            throw RedisBroker.unavailable(what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RedisBroker.unavailable(what + ": interrupted", e);
        }
    }

    @Override
    public void message(String channel, String announcement) {
        thread.execute(logged(() -> receive(announcement)));
    }

    @Override
    public void smessage(String shardChannel, String announcement) {
        thread.execute(logged(() -> receive(announcement)));
    }

    private void lost() {
        if (!resubscribeDue.getAndSet(true)) {
            thread.execute(logged(this::resubscribe));
        }
    }

    /** Subscribes everything again where it is served now, then reads what was missed meanwhile. */
    private void resubscribe() {
        resubscribeDue.set(false);
        boolean whole;
        String failure = "";
        try {
            whole = subscriptions.resubscribe();
        } catch (RuntimeException e) {
            whole = false;
            failure = ": " + EsException.rootMessage(e);
        }
        if (whole && !warned) {
            log.info("redis", "subscribed again where each channel is served now (a connection dropped, a failover, or a"
                    + " slot moved)", Map.of("channels", places.size()));
        }
        if (!whole) {
            if (!warned) {
                warned = true;
                log.warn("redis", "lost Redis (or a node of the cluster), subscribing again every " + RETRY.toMillis() + " ms"
                        + failure);
            }
            if (!resubscribeDue.getAndSet(true)) {
                thread.schedule(logged(this::resubscribe), RETRY.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
        // What could be subscribed is read now; a node that could not be reached is tried again soon.
        catchUp();
    }

    /** The executor would drop a task's failure without a word: it goes to the log instead. */
    private Runnable logged(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.warn("redis", "failed to take in what came from Redis: " + e);
            }
        };
    }

    void stop() {
        subscriptions.close();
        thread.shutdownNow();
    }

    private void receive(String text) {
        Map<String, String> announcement;
        try {
            announcement = Json.MAPPER.readValue(text, FIELDS);
        } catch (JsonProcessingException e) {
            log.warn("redis", "ignoring an unreadable announcement from Redis: " + e.getOriginalMessage());
            return;
        }
        String channel = announcement.get("c");
        if ("made".equals(announcement.get("t"))) {
            if (!places.containsKey(channel)) {
                sink.announced(channel);
            }
            return;
        }
        if ("x".equals(announcement.get("t"))) {
            if (channel.equals(ChannelName.ALL)) {
                places.replaceAll((name, place) -> Place.START);
            } else {
                places.computeIfPresent(channel, (name, place) -> Place.START);
            }
            sink.closeChannel(channel);
            return;
        }
        received.incrementAndGet();
        Place known = places.get(channel);
        if (known == null) {
            // Not followed: unfollowed while this was on its way, or followed but its first read failed.
            return;
        }
        String life = announcement.get("l");
        long position = Long.parseLong(announcement.get("p"));
        long previous = Long.parseLong(announcement.get("q"));
        boolean next = life.equals(known.life())
                ? previous == known.position()
                // The first event of a new life: nothing of it can have been missed.
                : previous == 0;
        if (next) {
            sink.deliver(channel, event(announcement));
            places.put(channel, new Place(life, position));
        } else if (!life.equals(known.life()) || position > known.position()) {
            // Missed: read the stream, whose history may by now hold fewer than were missed.
            tryRead(channel);
        }
    }

    private void catchUp() {
        retrying = false;
        places.keySet().forEach(this::tryRead);
        if (!retrying && !resubscribeDue.get() && warned) {
            warned = false;
            log.info("redis", "caught up with Redis", Map.of());
        }
    }

    private void tryRead(String channel) {
        try {
            read(channel);
        } catch (RedisException e) {
            if (!warned) {
                warned = true;
                log.warn("redis", "cannot read from Redis, trying again every " + RETRY.toMillis() + " ms: "
                        + e.getMessage());
            }
            if (!retrying) {
                retrying = true;
                thread.schedule(this::catchUp, RETRY.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    /** Delivers what the stream holds past this server's place in it, in order, and moves the place. */
    private void read(String channel) {
        Place known = places.getOrDefault(channel, Place.START);
        List<Object> answer = READ.run(redis, ScriptOutputType.MULTI,
                new String[] {RedisBroker.streamKey(channel), RedisBroker.metaKey(channel)},
                known.life(), Long.toString(known.position()));
        String life = (String) answer.get(0);
        long delivered = life.equals(known.life()) ? known.position() : 0;
        for (Object entry : (List<?>) answer.get(1)) {
            List<?> idAndFields = (List<?>) entry;
            long position = position((String) idAndFields.get(0));
            if (position > delivered) {
                sink.deliver(channel, event(fields((List<?>) idAndFields.get(1))));
                delivered = position;
            }
        }
        places.put(channel, new Place(life, delivered));
    }

    private static long position(String streamId) {
        return Long.parseLong(streamId.substring(0, streamId.indexOf('-')));
    }

    private static Map<String, String> fields(List<?> flat) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            fields.put((String) flat.get(i), (String) flat.get(i + 1));
        }
        return fields;
    }

    /** The event in a stream entry's or an announcement's fields: i (id), d (data), e (event), r (retry). */
    private static Event event(Map<String, String> fields) {
        String retry = fields.get("r");
        return new Event(fields.get("i"), fields.get("e"), fields.get("d"), retry == null ? null : Long.valueOf(retry));
    }
}
