package dev.es.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.es.common.Event;
import dev.es.common.PemFiles;
import dev.es.server.EsServer;
import dev.es.server.ServerSettings;
import dev.es.server.testing.Eventually;
import dev.es.server.testing.Programs;
import dev.es.server.testing.RawH2c;
import dev.es.server.testing.SseRecorder;
import dev.es.server.testing.TestCertificates;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/2, which a page needs to follow more than six channels: over TLS, and in clear text (h2c, by prior
 * knowledge), many streams share one connection, each gets its own events, and a stream its client closes leaves the count at once.
 */
class Http2Test {

    private static final int CHANNELS = 20;

    @TempDir
    static Path folder;
    private static TestCertificates certificates;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certificates = TestCertificates.makeIn(folder);
    }

    @AfterAll
    static void nothingElse() {
        // The temporary folder goes with JUnit.
    }

    @Test
    void overTlsTwentyChannelsShareOneConnection() throws Exception {
        ServerSettings settings = ServerSettings.builder().port(0).tls(certificates.certificate(), certificates.key()).build();
        try (EsServer server = EsServer.start(settings);
                HttpClient client = HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_2)
                        .sslContext(PemFiles.trusting(certificates.ca()))
                        .connectTimeout(Duration.ofSeconds(5))
                        .build()) {
            assertEquals("https", server.url().getScheme());
            assertTwentyStreamsOnOneConnection(server, client);
        }
    }

    @Test
    void inClearTextByPriorKnowledgeTwentyChannelsShareOneConnection() throws Exception {
        try (EsServer server = EsServer.start(ServerSettings.builder().port(0).build());
                RawH2c connection = RawH2c.connect(server.port(), 65_535)) {
            Map<Integer, String> expected = new HashMap<>();
            for (int i = 0; i < CHANNELS; i++) {
                expected.put(connection.get("/c" + i, Map.of()), "data: to c" + i + "\n");
            }
            assertEquals(CHANNELS, Eventually.poll(server::consumerCountAll, count -> count == CHANNELS, Duration.ofSeconds(5)));
            assertEquals(1, establishedConnections(server.port()), "every stream on one connection");
            for (int i = 0; i < CHANNELS; i++) {
                server.publish("c" + i, Event.of("to c" + i));
            }
            connection.awaitText(expected);
        }
    }

    /** The h2c upgrade is declined (DESIGN.md, "Transport"): the request is answered, and streams, in HTTP/1.1. */
    @Test
    void anHttp11RequestAskingToUpgradeToH2cIsServedInHttp11() throws Exception {
        try (EsServer server = EsServer.start(ServerSettings.builder().port(0).build());
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
                SseRecorder stream = SseRecorder.open(client, server.url().resolve("/news"))) {
            assertEquals(HttpClient.Version.HTTP_1_1, stream.version());
            Eventually.poll(() -> server.consumerCount("news"), count -> count == 1, Duration.ofSeconds(5));
            server.publish("news", Event.of("hello"));
            stream.assertData("hello");
        }
    }

    /**
     * An HTTP/2 subscriber that stops reading is dropped as too slow when its queue fills, and its stream ends
     * then, not when a write times out (here a minute away).
     */
    @Test
    void anHttp2SubscriberThatStopsReadingIsDroppedWhenItsQueueFills() throws Exception {
        ServerSettings settings = ServerSettings.builder().port(0).queueBytes(64 * 1024)
                .timeout(Duration.ofMinutes(1)).keepalive(Duration.ofMinutes(1))
                .tls(certificates.certificate(), certificates.key()).build();
        try (EsServer server = EsServer.start(settings);
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
                        .sslContext(PemFiles.trusting(certificates.ca())).build()) {
            HttpResponse<java.io.InputStream> stalled = client.send(HttpRequest.newBuilder(server.url().resolve("/big")).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(HttpClient.Version.HTTP_2, stalled.version());
            String data = "x".repeat(512 * 1024);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (server.consumerCount("big") > 0 && System.nanoTime() < deadline) {
                server.publish("big", dev.es.common.Event.of(data));
            }
            assertEquals(0, server.consumerCount("big"), "dropped as too slow");
            String metrics = Eventually.poll(() -> client.send(HttpRequest.newBuilder(server.url().resolve("/_es/v1/metrics"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body(),
                    scraped -> scraped.contains("es_subscribers_disconnected_total{reason=\"slow\"} 1.0"), Duration.ofSeconds(5));
            assertTrue(metrics.contains("es_subscribers_disconnected_total{reason=\"slow\"} 1.0"),
                    "its stream ended within 5 s, not at the write timeout");
            stalled.body().close();
        }
    }

    @Test
    void aCertificateThatDoesNotLoadIsOneClearLine() throws Exception {
        Path notPem = Files.writeString(folder.resolve("not.pem"), "hello\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EsServer.start(
                ServerSettings.builder().port(0).tls(notPem, certificates.key()).build()));
        assertTrue(e.getMessage().startsWith("no PEM certificate in " + notPem), e.getMessage());
        IllegalArgumentException missingKey = assertThrows(IllegalArgumentException.class, () -> EsServer.start(
                ServerSettings.builder().port(0).tls(certificates.certificate(), folder.resolve("absent.key")).build()));
        assertEquals("cannot read " + folder.resolve("absent.key") + ": no such file", missingKey.getMessage());
        IllegalArgumentException rsaKey = assertThrows(IllegalArgumentException.class, () -> EsServer.start(
                ServerSettings.builder().port(0).tls(certificates.certificate(), certificates.certificate()).build()));
        assertTrue(rsaKey.getMessage().startsWith("no unencrypted PKCS#8 key"), rsaKey.getMessage());
        Path otherKey = folder.resolve("ca.key");
        IllegalArgumentException notItsKey = assertThrows(IllegalArgumentException.class, () -> EsServer.start(
                ServerSettings.builder().port(0).tls(certificates.certificate(), otherKey).build()));
        assertEquals("the key in " + otherKey + " is not the key of the first certificate in " + certificates.certificate(),
                notItsKey.getMessage());
    }

    private static void assertTwentyStreamsOnOneConnection(EsServer server, HttpClient client) throws Exception {
        List<SseRecorder> streams = new ArrayList<>();
        try {
            for (int i = 0; i < CHANNELS; i++) {
                SseRecorder stream = SseRecorder.open(client, server.url().resolve("/c" + i));
                streams.add(stream);
                assertEquals(200, stream.status());
                assertEquals(HttpClient.Version.HTTP_2, stream.version());
            }
            assertEquals(CHANNELS, server.consumerCountAll());
            assertEquals(1, establishedConnections(server.port()), "every stream on one connection");
            for (int i = 0; i < CHANNELS; i++) {
                HttpResponse<String> published = client.send(HttpRequest.newBuilder(server.url().resolve("/c" + i))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"data\":\"to c" + i + "\"}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(201, published.statusCode(), published.body());
            }
            for (int i = 0; i < CHANNELS; i++) {
                streams.get(i).assertData("to c" + i);
            }
            streams.getFirst().close();
            assertEquals(0, Eventually.poll(() -> server.consumerCount("c0"), count -> count == 0, Duration.ofSeconds(5)),
                    "a stream its client closed leaves the count");
            assertEquals(CHANNELS - 1, server.consumerCountAll(), "the other streams on the connection go on");
        } finally {
            for (SseRecorder stream : streams) {
                stream.close();
            }
        }
    }

    /** The server's side of the TCP connections established to its port, as ss counts them. */
    private static int establishedConnections(int port) throws Exception {
        Programs.Finished ss = Programs.run(List.of("ss", "-Htn", "state", "established", "( sport = :" + port + " )"));
        assertEquals(0, ss.exitCode(), ss.output());
        return (int) ss.output().lines().filter(line -> !line.isBlank()).count();
    }
}
