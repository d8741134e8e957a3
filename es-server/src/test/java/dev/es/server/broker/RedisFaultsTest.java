package dev.es.server.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.es.server.EsServer;
import dev.es.server.ServerSettings;
import dev.es.server.testing.ApiClient;
import dev.es.server.testing.Eventually;
import dev.es.server.testing.RedisServer;
import dev.es.server.testing.SseRecorder;
import dev.es.server.testing.TcpLink;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** es serve when Redis is missing, lost, cut off or restarted empty: each against a real redis-server. */
class RedisFaultsTest {

    private RedisServer redis;
    private final List<AutoCloseable> closeAfter = new ArrayList<>();

    @BeforeEach
    void startRedis() throws Exception {
        redis = RedisServer.start();
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (AutoCloseable each : closeAfter.reversed()) {
            each.close();
        }
        redis.close();
    }

    @Test
    void redisUnreachableAtStartIsAClearErrorNamingTheUri() throws Exception {
        redis.stop();
        String uri = "redis://127.0.0.1:" + redis.port();
        BrokerUnavailableException e = assertThrows(BrokerUnavailableException.class,
                () -> EsServer.start(ServerSettings.builder().port(0).redis(uri).build()));
        assertTrue(e.getMessage().startsWith("cannot reach Redis at " + uri + ": "), e.getMessage());
        assertEquals(false, e.getMessage().contains("\n"), "one line");
    }

    @Test
    void aPasswordAndADatabaseInTheUriAreUsedAndThePasswordNeverShown() throws Exception {
        redis.command("CONFIG", "SET", "requirepass", "s3cret");
        ApiClient api = api(server("redis://:s3cret@127.0.0.1:" + redis.port() + "/2"));
        assertEquals(201, api.publish("ch", "{\"data\":\"x\"}").statusCode());
        assertEquals("1", redis.command("--no-auth-warning", "-a", "s3cret", "-n", "2", "XLEN", "es:{ch}:events"));
        assertEquals("0", redis.command("--no-auth-warning", "-a", "s3cret", "-n", "0", "EXISTS", "es:{ch}:events"));
        BrokerUnavailableException e = assertThrows(BrokerUnavailableException.class,
                () -> EsServer.start(ServerSettings.builder().port(0).redis("redis://:wrong@127.0.0.1:" + redis.port()).build()));
        assertEquals(false, e.getMessage().contains("wrong"), e.getMessage());
    }

    /**
     * The link between one server and Redis fails while Redis and the other server go on: that server refuses
     * publishes (503, JSON), keeps its subscribers with keepalives, and once the link is back they receive what
     * the other server accepted meanwhile, with no gap and no duplicate.
     */
    @Test
    void aServerCutOffFromRedisRefusesPublishesKeepsItsSubscribersAndCatchesUp() throws Exception {
        Pair pair = pair();
        pair.other().publish("feed", "{\"data\":\"before\"}");
        pair.subscriber().assertData("before");

        pair.link().cut();
        HttpResponse<String> refused = awaitStatus(() -> pair.cutOff().publish("feed", "{\"data\":\"lost?\"}"), 503);
        assertTrue(refused.body().startsWith("{\"error\":\"Redis at redis://127.0.0.1:" + pair.link().port()), refused.body());
        assertEquals("1", refused.headers().firstValue("Retry-After").orElseThrow());
        for (String data : List.of("one", "two", "three")) {
            assertEquals(201, pair.other().publish("feed", "{\"data\":\"" + data + "\"}").statusCode());
        }
        SseRecorder.Item keepalive = pair.subscriber().next();
        assertEquals("comment", keepalive.kind(), "the stream stays open and alive: " + pair.subscriber().raw());
        assertEquals(503, pair.cutOff().send(pair.cutOff().request("/_es/v1/health/ready")).statusCode(), "not ready without Redis");

        pair.link().mend();
        pair.subscriber().assertData("one", "two", "three");
        awaitStatus(() -> pair.cutOff().send(pair.cutOff().request("/_es/v1/health/ready")), 200);
        awaitStatus(() -> pair.cutOff().publish("feed", "{\"data\":\"after\"}"), 201);
        pair.subscriber().assertData("after");
        assertEquals(false, pair.subscriber().raw().contains("lost?"), "a refused event was never delivered");
    }

    /**
     * A client that saw events on one server and resumes on another that is cut off from Redis (so may lack
     * them) is told to come back (503), not served a replay with a gap or duplicates; once the link is back
     * it resumes there with exactly what came after its last event.
     */
    @Test
    void aClientResumingOnAServerCutOffFromRedisIsToldToComeBackThenResumesExactly() throws Exception {
        Pair pair = pair();
        pair.link().cut();
        String lastSeen;
        try (SseRecorder onOther = SseRecorder.open(pair.other().url("/feed"))) {
            pair.other().awaitConsumers("feed", 1);
            pair.other().publish("feed", "{\"data\":\"one\"}");
            pair.other().publish("feed", "{\"data\":\"two\"}");
            onOther.assertData("one");
            lastSeen = onOther.nextEvent().id();
        }
        try (SseRecorder refused = SseRecorder.open(pair.cutOff().url("/feed"), "Last-Event-ID", lastSeen)) {
            assertEquals(503, refused.status());
            assertEquals("1", refused.headers().firstValue("Retry-After").orElseThrow());
        }
        pair.link().mend();
        String resumeFrom = lastSeen;
        SseRecorder resumed = Eventually.poll(() -> {
            SseRecorder attempt = SseRecorder.open(pair.cutOff().url("/feed"), "Last-Event-ID", resumeFrom);
            if (attempt.status() != 200) {
                attempt.close();
            }
            return attempt;
        }, attempt -> attempt.status() == 200, Duration.ofSeconds(10));
        closeAfter.add(resumed);
        assertEquals(200, resumed.status());
        pair.other().publish("feed", "{\"data\":\"three\"}");
        resumed.assertData("three");
        pair.subscriber().assertData("one", "two", "three");
    }

    /**
     * A channel deleted and published to again while a server was cut off: once back, that server's
     * subscriber gets the new life's events (it was not there to hear the close: it is not disconnected), none
     * lost to positions that started over and no old one again.
     */
    @Test
    void aChannelDeletedAndCreatedAgainWhileAServerWasCutOffGoesOnThere() throws Exception {
        Pair pair = pair();
        long far = System.currentTimeMillis() * 2_000;
        pair.other().publish("feed", "{\"id\":\"" + far + "\",\"data\":\"old life\"}");
        pair.subscriber().assertData("old life");
        pair.link().cut();
        assertEquals(200, pair.other().delete("feed").statusCode());
        pair.other().publish("feed", "{\"data\":\"new life\"}");
        pair.link().mend();
        pair.subscriber().assertData("new life");
        assertEquals(1, pair.subscriber().raw().split("old life", -1).length - 1, pair.subscriber().raw());
    }

    @Test
    void theCountsOfAServerThatCanNoLongerRenewThemExpire() throws Exception {
        Pair pair = pair();
        pair.link().cut();
        // Fails unless the count went within the time the counts are kept, and a little more.
        pair.other().awaitConsumers("feed", 0, RedisPresence.KEEP.plusSeconds(2));
    }

    @Test
    void serversRecoverFromARedisRestartedEmptyWithoutRestartingThemselves() throws Exception {
        ApiClient first = api(server(redis.uri()));
        ApiClient second = api(server(redis.uri()));
        SseRecorder subscriber = SseRecorder.open(first.url("/feed"));
        closeAfter.add(subscriber);
        second.awaitConsumers("feed", 1);
        // An id far above the clock: after the restart positions start from the clock again, below it.
        long far = System.currentTimeMillis() * 2_000;
        second.publish("feed", "{\"id\":\"" + far + "\",\"data\":\"before\"}");
        subscriber.assertData("before");

        redis.restart();
        awaitStatus(() -> second.publish("feed", "{\"data\":\"after\"}"), 201);
        subscriber.assertData("after");
        second.awaitConsumers("feed", 1);
    }

    /**
     * Two servers on the Redis, the first through a link the test can cut, with a subscriber of "feed" on the
     * first that the second counts.
     */
    private record Pair(TcpLink link, ApiClient cutOff, ApiClient other, SseRecorder subscriber) {}

    private Pair pair() throws Exception {
        TcpLink link = TcpLink.to(redis.port());
        closeAfter.add(link);
        ApiClient cutOff = api(server("redis://127.0.0.1:" + link.port()));
        ApiClient other = api(server(redis.uri()));
        SseRecorder subscriber = SseRecorder.open(cutOff.url("/feed"));
        closeAfter.add(subscriber);
        other.awaitConsumers("feed", 1);
        return new Pair(link, cutOff, other, subscriber);
    }

    private EsServer server(String redisUri) {
        EsServer server = EsServer.start(ServerSettings.builder()
                .port(0)
                .redis(redisUri)
                .keepalive(Duration.ofMillis(200))
                .build());
        closeAfter.add(server);
        return server;
    }

    private ApiClient api(EsServer server) {
        ApiClient api = new ApiClient(server.url(), null);
        closeAfter.add(api);
        return api;
    }

    /** Repeats a call until it answers the status, for at most 10 s (a reconnect takes up to 2 s of backoff). */
    private static HttpResponse<String> awaitStatus(Eventually.Look<HttpResponse<String>> call, int status) throws Exception {
        HttpResponse<String> last = Eventually.poll(call, answer -> answer.statusCode() == status, Duration.ofSeconds(10));
        assertEquals(status, last.statusCode(), last.body());
        return last;
    }

}
