package dev.es.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.es.server.EsServer;
import dev.es.server.ServerLog;
import dev.es.server.ServerSettings;
import dev.es.server.testing.ApiClient;
import dev.es.server.testing.Eventually;
import dev.es.server.testing.RunningHub;
import dev.es.server.testing.SseRecorder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PublishAndSubscribeTest {

    @RegisterExtension
    final RunningHub hub = RunningHub.with(s -> s.corsOrigin("*"));

    @Test
    void subscribeAnswersAnEventStreamWithTheHeadersProxiesAndBrowsersNeed() throws Exception {
        try (SseRecorder sub = SseRecorder.open(hub.api().url("/updates"))) {
            assertEquals(200, sub.status());
            assertEquals("text/event-stream", sub.headers().firstValue("Content-Type").orElseThrow());
            assertEquals("no-cache", sub.headers().firstValue("Cache-Control").orElseThrow());
            assertEquals("no", sub.headers().firstValue("X-Accel-Buffering").orElseThrow());
            assertEquals("*", sub.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
            assertEquals(new SseRecorder.Item("retry", null, null, "2000"), sub.next());
        }
    }

    @Test
    void theAccessLogCountsEveryByteAStreamWrote() throws Exception {
        StringWriter log = new StringWriter();
        ServerSettings settings = ServerSettings.builder().port(0).accessLog(true).build();
        try (EsServer server = EsServer.start(settings, new ServerLog(new PrintWriter(log, true), ServerLog.Format.TEXT));
                ApiClient api = new ApiClient(server.url(), null);
                HttpClient http1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                // HTTP/1.1: such a stream's frames go straight to the connection, past the response's count.
                SseRecorder sub = SseRecorder.open(http1, server.url().resolve("/logged"))) {
            api.awaitConsumers("logged", 1);
            api.publish("logged", "{\"data\":\"" + "x".repeat(1000) + "\"}");
            sub.nextEvent();
            api.delete("logged");
            sub.awaitEnd();
            int bytes = sub.raw().getBytes(StandardCharsets.UTF_8).length;
            String logged = Eventually.poll(log::toString, text -> text.contains("GET /logged"), Duration.ofSeconds(5));
            assertTrue(logged.contains("GET /logged 200 " + bytes + " B"), bytes + " bytes read; the log:\n" + logged);
        }
    }

    @Test
    void publishedEventsArriveFramedAsTheSeedFramesThem() throws Exception {
        try (SseRecorder sub = SseRecorder.open(hub.api().url("/updates"))) {
            hub.api().awaitConsumers("updates", 1);
            assertEquals(201, hub.api().publish("updates", "{\"id\":123, \"event\":\"my-event\", \"data\": \"Hello World!\"}").statusCode());
            assertEquals(201, hub.api().publish("updates", "{\"id\":\"abc\", \"data\": \"plain\"}").statusCode());
            assertEquals(SseRecorder.Item.event("123", "my-event", "Hello World!"), sub.nextEvent());
            assertEquals(SseRecorder.Item.event("abc", "message", "plain"), sub.nextEvent());
            assertTrue(sub.raw().endsWith("id: 123\nevent: my-event\ndata: Hello World!\n\nid: abc\ndata: plain\n\n"),
                    sub.raw());
        }
    }

    @Test
    void dataIsSplitIntoOneDataLinePerLineOnLfCrAndCrlf() throws Exception {
        try (SseRecorder sub = SseRecorder.open(hub.api().url("/lines"))) {
            hub.api().awaitConsumers("lines", 1);
            hub.api().publish("lines", "{\"id\":1, \"data\": \"a\\nb\\rc\\r\\nd\"}");
            assertEquals("a\nb\nc\nd", sub.nextEvent().data());
            assertTrue(sub.raw().endsWith("id: 1\ndata: a\ndata: b\ndata: c\ndata: d\n\n"), sub.raw());
        }
    }

    @Test
    void eventsWithoutIdGetIncreasingIdsFromTheHubThatOutliveTheChannel() throws Exception {
        try (SseRecorder sub = SseRecorder.open(hub.api().url("/numbered"))) {
            hub.api().awaitConsumers("numbered", 1);
            HttpResponse<String> first = hub.api().publish("numbered", "{\"data\":\"one\"}");
            hub.api().publish("numbered", "{\"id\":41, \"data\":\"chosen\"}");
            hub.api().publish("numbered", "{\"data\":\"after\"}");
            String firstId = sub.nextEvent().id();
            assertEquals("{\"id\":\"" + firstId + "\"}", first.body());
            assertEquals("41", sub.nextEvent().id());
            // The hub's own ids never go backwards, even past an id a publisher chose (whose event took a place too).
            assertTrue(Long.parseLong(sub.nextEvent().id()) > Long.parseLong(firstId));
        }
    }

    @Test
    void channelsAreIsolatedAndAllReachesEveryChannel() throws Exception {
        try (SseRecorder news = SseRecorder.open(hub.api().url("/news"));
                SseRecorder sport = SseRecorder.open(hub.api().url("/sport"))) {
            hub.api().awaitConsumers("news", 1);
            hub.api().awaitConsumers("sport", 1);
            hub.api().publish("news", "{\"data\":\"only news\"}");
            assertEquals(201, hub.api().publish("all", "{\"data\":\"everyone\"}").statusCode());
            news.assertData("only news", "everyone");
            sport.assertData("everyone");
        }
    }

    @Test
    void publishingToAChannelNobodyFollowsIsKeptForReplay() throws Exception {
        HttpResponse<String> published = hub.api().publish("later", "{\"id\":\"7\", \"data\":\"kept\"}");
        hub.api().publish("later", "{\"id\":\"8\", \"data\":\"also kept\"}");
        assertEquals(201, published.statusCode());
        try (SseRecorder sub = SseRecorder.open(hub.api().url("/later"), "Last-Event-ID", "7")) {
            sub.assertData("also kept");
        }
    }

    @Test
    void aSubscriberThatLeavesIsNoticedAtOnceAndLeavesTheCount() throws Exception {
        // No keepalive within the wait: the server must notice the close itself, not at its next write.
        hub.restart(s -> s.keepalive(Duration.ofMinutes(1)));
        SseRecorder sub = SseRecorder.open(hub.api().url("/leaving"));
        hub.api().awaitConsumers("leaving", 1);
        sub.close();
        hub.api().awaitConsumers("leaving", 0);
    }

    @Test
    void idleStreamsGetKeepaliveComments() throws Exception {
        hub.restart(s -> s.keepalive(Duration.ofMillis(100)));
        try (SseRecorder sub = SseRecorder.open(hub.api().url("/quiet"))) {
            assertEquals("retry", sub.next().kind());
            assertEquals(new SseRecorder.Item("comment", null, null, ""), sub.next());
            assertTrue(sub.raw().endsWith("\n\n:\n\n"), sub.raw());
        }
    }

    @Test
    void aFanOutTooLargeForItsPublisherToWriteReachesEverySubscriberInOrder() throws Exception {
        // One more subscriber than a publisher writes to itself: this publish's writes go to the writer pool.
        // (WriterTurnsTest checks which thread runs what; this, that every stream still gets every event.)
        int subscribers = WriterTurns.MAX_ON_PUBLISHER + 1;
        List<SseRecorder> subs = new ArrayList<>();
        // HTTP/1.1, a connection per stream, as EventSource subscribes.
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            try {
                for (int i = 0; i < subscribers; i++) {
                    subs.add(SseRecorder.open(client, hub.api().url("/crowd")));
                }
                hub.api().awaitConsumers("crowd", subscribers);
                for (String data : List.of("one", "two", "three")) {
                    assertEquals(201, hub.api().publish("crowd", "{\"data\":\"" + data + "\"}").statusCode());
                }
                for (SseRecorder sub : subs) {
                    sub.assertData("one", "two", "three");
                }
            } finally {
                for (SseRecorder sub : subs) {
                    sub.close();
                }
            }
        }
    }
}
