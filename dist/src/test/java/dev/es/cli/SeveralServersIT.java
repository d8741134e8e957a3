package dev.es.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.es.server.testing.ApiClient;
import dev.es.server.testing.FreePort;
import dev.es.server.testing.RedisServer;
import dev.es.server.testing.SseRecorder;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** es serve --redis as users run it: real processes, a real redis-server, SIGKILL. */
class SeveralServersIT {

    @Test
    void redisUnreachableAtStartIsOneLineNamingTheUriAndExitCode1() throws Exception {
        int closed = FreePort.pick();
        ServeProcess.Finished refused = ServeProcess.run("--port", "0", "--redis", "redis://127.0.0.1:" + closed);
        assertEquals(1, refused.exitCode());
        assertTrue(refused.stderr().startsWith("es: cannot reach Redis at redis://127.0.0.1:" + closed + ": "),
                refused.stderr());
        assertEquals(1, refused.stderr().lines().count(), refused.stderr());
    }

    @Test
    void aUriThatIsNotRedisIsAUsageError() throws Exception {
        ServeProcess.Finished refused = ServeProcess.run("--port", "0", "--redis", "http://127.0.0.1:1");
        assertEquals(2, refused.exitCode(), refused.stderr());
        assertTrue(refused.stderr().startsWith("es: invalid Redis URI 'http://127.0.0.1:1': "), refused.stderr());
    }

    /**
     * Three servers (one told by ES_REDIS), a subscriber on each: one server is killed with SIGKILL; its client
     * reconnects to another with its Last-Event-ID and gets exactly what it missed; the dead server's count
     * leaves the others' HEAD within the heartbeat's expiry.
     */
    @Test
    void aClientOfAServerKilledWithSigkillResumesOnAnotherFromItsLastId() throws Exception {
        try (RedisServer redis = RedisServer.start();
                ServeProcess doomed = ServeProcess.start(Map.of(), "--port", "0", "--redis", redis.uri());
                ServeProcess second = ServeProcess.start(Map.of(), "--port", "0", "--redis", redis.uri());
                ServeProcess third = ServeProcess.start(Map.of("ES_REDIS", redis.uri()), "--port", "0");
                ApiClient onDoomed = new ApiClient(doomed.url(), null);
                ApiClient onSecond = new ApiClient(second.url(), null);
                ApiClient onThird = new ApiClient(third.url(), null);
                SseRecorder client = SseRecorder.open(onDoomed.url("/feed"));
                SseRecorder secondSubscriber = SseRecorder.open(onSecond.url("/feed"));
                SseRecorder thirdSubscriber = SseRecorder.open(onThird.url("/feed"))) {
            onThird.awaitConsumers("feed", 3);
            onSecond.publish("feed", "{\"data\":\"one\"}");
            onThird.publish("feed", "{\"data\":\"two\"}");
            for (SseRecorder each : new SseRecorder[] {client, secondSubscriber, thirdSubscriber}) {
                each.assertData("one", "two");
            }
            String lastSeen = client.raw().lines().filter(l -> l.startsWith("id: ")).reduce((a, b) -> b).orElseThrow()
                    .substring(4);

            ProcessHandle.of(doomed.pid()).orElseThrow().destroyForcibly();
            doomed.awaitExit(10_000);
            client.awaitEnd();
            onSecond.publish("feed", "{\"data\":\"three\"}");
            onThird.publish("feed", "{\"data\":\"four\"}");

            try (SseRecorder resumed = SseRecorder.open(onSecond.url("/feed"), "Last-Event-ID", lastSeen)) {
                resumed.assertData("three", "four");
                onThird.publish("feed", "{\"data\":\"five\"}");
                resumed.assertData("five");
                secondSubscriber.assertData("three", "four", "five");
                thirdSubscriber.assertData("three", "four", "five");
            }
            // The killed server's subscriber is no longer counted once its presence expires.
            onThird.awaitConsumers("feed", 2, Duration.ofSeconds(6));
        }
    }
}
