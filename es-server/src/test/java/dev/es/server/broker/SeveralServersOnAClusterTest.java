package dev.es.server.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.es.server.EsServer;
import dev.es.server.ServerSettings;
import dev.es.server.testing.ApiClient;
import dev.es.server.testing.Eventually;
import dev.es.server.testing.RedisServer;
import dev.es.server.testing.RunningRedisCluster;
import dev.es.server.testing.SseRecorder;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three es servers on a real Redis Cluster of three primaries and three replicas: everything one Redis does
 * (the contract), an event only where its channel is followed, and a failover that loses no stream and no event.
 */
class SeveralServersOnAClusterTest extends SeveralServersContract {

    @RegisterExtension
    static final RunningRedisCluster redis = new RunningRedisCluster();

    @Override
    String redisUri() {
        return redis.cluster().uri();
    }

    @Override
    void emptyRedis() throws Exception {
        redis.empty();
    }

    @Test
    void aServerHearsTheEventsOfTheChannelsItFollowsAndNoOthers() throws Exception {
        try (SseRecorder subscriber = SseRecorder.open(apis.get(0).url("/followed"))) {
            apis.get(0).awaitConsumers("followed", 1);
            for (int i = 0; i < 20; i++) {
                assertEquals(201, apis.get(1).publish("followed", "{\"data\":\"f" + i + "\"}").statusCode());
                assertEquals(201, apis.get(1).publish("nobody-" + i, "{\"data\":\"n" + i + "\"}").statusCode());
            }
            for (int i = 0; i < 20; i++) {
                subscriber.assertData("f" + i);
            }
        }
        assertEquals(20, Eventually.poll(() -> received(apis.get(0)), n -> n == 20, Duration.ofSeconds(5)),
                "the follower heard its channel's 20 events, not the 20 others");
        assertEquals(0, received(apis.get(1)), "the publisher follows nothing");
        assertEquals(0, received(apis.get(2)), "nor does the third server");
    }

    @Test
    void aManualFailoverOfAFollowedChannelsPrimaryLosesNoStreamAndNoEvent() throws Exception {
        subscribersGoOnThrough("moving", () -> {
            RedisServer replica = redis.cluster().replicaFor(RedisBroker.streamKey("moving"));
            assertEquals("OK", replica.command("CLUSTER", "FAILOVER"));
            assertEquals("master", Eventually.poll(replica::role, "master"::equals, Duration.ofSeconds(10)));
            redis.cluster().awaitReady();
        }, () -> {});
    }

    @Test
    void aFollowedChannelWhoseSlotMovesToAnotherPrimaryGoesOn() throws Exception {
        RedisServer before = redis.cluster().primaryFor(RedisBroker.streamKey("migrating"));
        subscribersGoOnThrough("migrating", () -> redis.cluster().moveSlotOf(RedisBroker.streamKey("migrating")), () -> {
            assertTrue(before != redis.cluster().primaryFor(RedisBroker.streamKey("migrating")), "the slot moved");
            String listing = apis.get(2).send(apis.get(2).request("/_es/v1/channels")).body();
            assertTrue(listing.contains("{\"name\":\"migrating\",\"consumers\":2,\"events\":3,"),
                    "its figures moved with it (before, after, last): " + listing);
        });
    }

    /** A step of a test that may throw. */
    private interface Step {
        void run() throws Exception;
    }

    /**
     * Subscribers of the channel on the first two servers get an event, the change is made, and they get what
     * the third server publishes after it, each event once ({@link #assertGoesOn}); then, still subscribed,
     * {@code then}.
     */
    private void subscribersGoOnThrough(String channel, Step change, Step then) throws Exception {
        try (SseRecorder onFirst = SseRecorder.open(apis.get(0).url("/" + channel));
                SseRecorder onSecond = SseRecorder.open(apis.get(1).url("/" + channel))) {
            apis.get(2).awaitConsumers(channel, 2);
            apis.get(2).publish(channel, "{\"data\":\"before\"}");
            onFirst.assertData("before");
            onSecond.assertData("before");
            change.run();
            assertGoesOn(channel, onFirst, onSecond);
            then.run();
        }
    }

    /** Without replica acks, what the primary had not yet passed on when it died may be lost: only what came after. */
    @Test
    void aPrimaryKilledWhilePublishersRunIsReplacedAndPublishesComeBackByThemselves() throws Exception {
        assertAPrimaryKilledUnder("killed", apis.get(0), apis.get(1), apis.get(2), false);
    }

    @Test
    void withReplicaAcksEveryAcknowledgedEventOutlivesAPrimaryKilled() throws Exception {
        List<ApiClient> acking = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            EsServer server = EsServer.start(ServerSettings.builder().port(0).redis(redisUri()).redisReplicaAcks(1).build());
            servers.add(server);
            acking.add(new ApiClient(server.url(), null));
        }
        apis.addAll(acking);
        assertAPrimaryKilledUnder("durable", acking.get(0), apis.get(0), acking.get(1), true);
    }

    /**
     * Subscribers of the channel on two servers while the primary serving it is killed under a publisher on a
     * third ({@link #publishThroughAKill}): each keeps its stream and gets, once and in order, every event
     * accepted after the failure — with replica acks, every event accepted at all.
     */
    private void assertAPrimaryKilledUnder(String channel, ApiClient first, ApiClient second, ApiClient publisher,
            boolean replicaAcks) throws Exception {
        try (SseRecorder onFirst = SseRecorder.open(first.url("/" + channel));
                SseRecorder onSecond = SseRecorder.open(second.url("/" + channel))) {
            publisher.awaitConsumers(channel, 2);
            Outcome outcome = publishThroughAKill(publisher, channel, replicaAcks);
            List<Integer> promised = replicaAcks ? outcome.accepted() : outcome.acceptedAfterFailure();
            for (SseRecorder subscriber : List.of(onFirst, onSecond)) {
                List<Integer> seen = attemptsUpTo(subscriber, "k", outcome.lastAccepted());
                assertTrue(seen.containsAll(promised), "every event promised: " + seen + " of " + promised);
                assertTrue(!subscriber.hasEnded(), "the stream lived through it");
            }
        }
    }

    /** The attempts a publisher made: those answered 201, and those of them after the first 503. */
    private record Outcome(List<Integer> accepted, List<Integer> acceptedAfterFailure) {
        int lastAccepted() {
            return accepted.getLast();
        }
    }

    /**
     * Publishes k-1, k-2, … every 20 ms while the primary serving the channel is killed (SIGKILL) once 20 were
     * accepted: there must be 503s (with Retry-After), then 201s again by themselves, ten of them. The killed
     * node is then started again and rejoins as a replica — before the publishes can come back when each needs
     * a replica's ack ({@code neededBack}).
     */
    private Outcome publishThroughAKill(ApiClient api, String channel, boolean neededBack) throws Exception {
        List<Integer> accepted = new CopyOnWriteArrayList<>();
        List<Integer> acceptedAfter = new CopyOnWriteArrayList<>();
        AtomicInteger failures = new AtomicInteger();
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        try (ExecutorService thread = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> publisher = thread.submit(() -> {
                for (int attempt = 1; acceptedAfter.size() < 10 && System.nanoTime() < deadline; attempt++) {
                    HttpResponse<String> answer = api.publish(channel, "{\"data\":\"k-" + attempt + "\"}");
                    if (answer.statusCode() == 201) {
                        accepted.add(attempt);
                        if (failures.get() > 0) {
                            acceptedAfter.add(attempt);
                        }
                    } else if (answer.statusCode() == 503 && answer.headers().firstValue("Retry-After").isPresent()) {
                        failures.incrementAndGet();
                    } else {
                        throw new AssertionError(answer.statusCode() + " " + answer.body());
                    }
                    Thread.sleep(20);
                }
                return null;
            });
            Eventually.poll(accepted::size, n -> n >= 20, Duration.ofSeconds(10));
            RedisServer primary = redis.cluster().primaryFor(RedisBroker.streamKey(channel));
            RedisServer replica = redis.cluster().replicaFor(RedisBroker.streamKey(channel));
            primary.kill();
            // Started again only once replaced: with no data on disk it would come back as an empty primary.
            assertEquals("master", Eventually.poll(replica::role, "master"::equals, Duration.ofSeconds(20)));
            redis.cluster().awaitReady();
            if (!neededBack) {
                Eventually.poll(acceptedAfter::size, n -> n >= 10, Duration.ofSeconds(20));
            }
            primary.restart();
            redis.cluster().awaitReady();
            publisher.get(45, TimeUnit.SECONDS);
        }
        assertTrue(failures.get() > 0, "the kill was felt: " + accepted);
        assertTrue(acceptedAfter.size() >= 10, "201s came back by themselves: " + failures.get() + " failures, then "
                + acceptedAfter);
        return new Outcome(List.copyOf(accepted), List.copyOf(acceptedAfter));
    }

    /**
     * The attempt numbers the subscriber gets (events whose data is {@code data}-N), up to the given one: each
     * at most once, in order, and nothing else between.
     */
    private static List<Integer> attemptsUpTo(SseRecorder subscriber, String data, int last) throws Exception {
        List<Integer> seen = new ArrayList<>();
        while (seen.isEmpty() || seen.getLast() < last) {
            String got = subscriber.nextEvent().data();
            assertTrue(got.startsWith(data + "-"), "only attempts: " + seen + " then " + got);
            int attempt = Integer.parseInt(got.substring(data.length() + 1));
            assertTrue(seen.isEmpty() || attempt > seen.getLast(), "each at most once, in order: " + seen + " then " + attempt);
            seen.add(attempt);
        }
        return seen;
    }

    /** Publishes on the third server until one is accepted, then once more: both subscribers get them once. */
    private void assertGoesOn(String channel, SseRecorder... subscribers) throws Exception {
        int accepted = publishUntilAccepted(apis.get(2), channel, "after");
        assertEquals(201, apis.get(2).publish(channel, "{\"data\":\"last\"}").statusCode());
        for (SseRecorder subscriber : subscribers) {
            attemptsUpTo(subscriber, "after", accepted);
            subscriber.assertData("last");
        }
    }

    /**
     * Publishes data-1, data-2, … until one is answered 201 (at most for 20 s), and returns its number: a 503
     * may still have been stored (lost in flight), so earlier attempts may be delivered too, each at most once.
     */
    private static int publishUntilAccepted(ApiClient api, String channel, String data) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        for (int attempt = 1; System.nanoTime() < deadline; attempt++) {
            HttpResponse<String> answer = api.publish(channel, "{\"data\":\"" + data + "-" + attempt + "\"}");
            if (answer.statusCode() == 201) {
                return attempt;
            }
            assertEquals(503, answer.statusCode(), answer.body());
            assertTrue(answer.headers().firstValue("Retry-After").isPresent(), "a 503 says when to come back");
            Thread.sleep(100);
        }
        throw new AssertionError("no publish to " + channel + " was accepted within 20 s");
    }
}
