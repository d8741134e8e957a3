package dev.es.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.es.server.testing.ApiClient;
import dev.es.server.testing.FreePort;
import dev.es.server.testing.RedisCluster;
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

    @Test
    void severalUrisOfRedisThatIsNotAClusterAreRefusedInOneLine() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            ServeProcess.Finished refused = ServeProcess.run("--port", "0", "--redis", redis.uri(), "--redis", redis.uri());
            assertEquals(2, refused.exitCode(), refused.stderr());
            assertEquals("es: several Redis nodes were given, but " + redis.uri() + " is not a cluster node: give one URI"
                    + " for a single Redis", refused.stderr().lines().findFirst().orElse(""));
        }
        ServeProcess.Finished noRedis = ServeProcess.run("--port", "0", "--redis-replica-acks", "1");
        assertEquals(2, noRedis.exitCode(), noRedis.stderr());
        assertTrue(noRedis.stderr().startsWith("es: --redis-replica-acks is for Redis's replicas: it needs --redis"),
                noRedis.stderr());
    }

    /** Two servers on a Redis Cluster, each told of it differently: one node by --redis twice, one by ES_REDIS. */
    @Test
    void serversOnARedisClusterFoundFromItsNodesAreOneHub() throws Exception {
        try (RedisCluster cluster = RedisCluster.start()) {
            String[] seeds = cluster.seeds().split(",");
            try (ServeProcess first = ServeProcess.start(Map.of(), "--port", "0", "--redis", seeds[0], "--redis", seeds[3],
                            "--redis-replica-acks", "1");
                    ServeProcess second = ServeProcess.start(Map.of("ES_REDIS", seeds[1] + "," + seeds[2]), "--port", "0");
                    ApiClient onFirst = new ApiClient(first.url(), null);
                    ApiClient onSecond = new ApiClient(second.url(), null);
                    SseRecorder subscriber = SseRecorder.open(onSecond.url("/feed"))) {
                onFirst.awaitConsumers("feed", 1);
                for (int i = 0; i < 5; i++) {
                    assertEquals(201, onFirst.publish("feed", "{\"data\":\"e" + i + "\"}").statusCode());
                }
                subscriber.assertData("e0", "e1", "e2", "e3", "e4");
            }
        }
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
