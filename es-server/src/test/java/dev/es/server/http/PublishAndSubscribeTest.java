package dev.es.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.es.server.EsServer;
import dev.es.server.ServerSettings;
import dev.es.server.testing.ApiClient;
import dev.es.server.testing.SseRecorder;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PublishAndSubscribeTest {

    private EsServer server;
    private ApiClient api;

    @BeforeEach
    void start() {
        server = EsServer.start(ServerSettings.builder().port(0).corsOrigin("*").build());
        api = new ApiClient(server.url(), null);
    }

    @AfterEach
    void stop() {
        api.close();
        server.stop();
    }

    @Test
    void subscribeAnswersAnEventStreamWithTheHeadersProxiesAndBrowsersNeed() throws Exception {
        try (SseRecorder sub = SseRecorder.open(api.url("/updates"))) {
            assertEquals(200, sub.status());
            assertEquals("text/event-stream", sub.headers().firstValue("Content-Type").orElseThrow());
            assertEquals("no-cache", sub.headers().firstValue("Cache-Control").orElseThrow());
            assertEquals("no", sub.headers().firstValue("X-Accel-Buffering").orElseThrow());
            assertEquals("*", sub.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
            assertEquals(new SseRecorder.Item("retry", null, null, "2000"), sub.next());
        }
    }

    @Test
    void publishedEventsArriveFramedAsTheSeedFramesThem() throws Exception {
        try (SseRecorder sub = SseRecorder.open(api.url("/updates"))) {
            api.awaitConsumers("updates", 1);
            assertEquals(201, api.publish("updates", "{\"id\":123, \"event\":\"my-event\", \"data\": \"Hello World!\"}").statusCode());
            assertEquals(201, api.publish("updates", "{\"id\":\"abc\", \"data\": \"plain\"}").statusCode());
            assertEquals(SseRecorder.Item.event("123", "my-event", "Hello World!"), sub.nextEvent());
            assertEquals(SseRecorder.Item.event("abc", "message", "plain"), sub.nextEvent());
            assertTrue(sub.raw().endsWith("id: 123\nevent: my-event\ndata: Hello World!\n\nid: abc\ndata: plain\n\n"),
                    sub.raw());
        }
    }

    @Test
    void dataIsSplitIntoOneDataLinePerLineOnLfCrAndCrlf() throws Exception {
        try (SseRecorder sub = SseRecorder.open(api.url("/lines"))) {
            api.awaitConsumers("lines", 1);
            api.publish("lines", "{\"id\":1, \"data\": \"a\\nb\\rc\\r\\nd\"}");
            assertEquals("a\nb\nc\nd", sub.nextEvent().data());
            assertTrue(sub.raw().endsWith("id: 1\ndata: a\ndata: b\ndata: c\ndata: d\n\n"), sub.raw());
        }
    }

    @Test
    void eventsWithoutIdGetIncreasingIdsFromTheHubThatOutliveTheChannel() throws Exception {
        try (SseRecorder sub = SseRecorder.open(api.url("/numbered"))) {
            api.awaitConsumers("numbered", 1);
            HttpResponse<String> first = api.publish("numbered", "{\"data\":\"one\"}");
            api.publish("numbered", "{\"id\":41, \"data\":\"chosen\"}");
            api.publish("numbered", "{\"data\":\"after\"}");
            String firstId = sub.nextEvent().id();
            assertEquals("{\"id\":\"" + firstId + "\"}", first.body());
            assertEquals("41", sub.nextEvent().id());
            // The hub's own ids never go backwards, even past an id a publisher chose.
            assertEquals(Long.toString(Long.parseLong(firstId) + 1), sub.nextEvent().id());
        }
    }

    @Test
    void channelsAreIsolatedAndAllReachesEveryChannel() throws Exception {
        try (SseRecorder news = SseRecorder.open(api.url("/news"));
                SseRecorder sport = SseRecorder.open(api.url("/sport"))) {
            api.awaitConsumers("news", 1);
            api.awaitConsumers("sport", 1);
            api.publish("news", "{\"data\":\"only news\"}");
            assertEquals(201, api.publish("all", "{\"data\":\"everyone\"}").statusCode());
            news.assertData("only news", "everyone");
            sport.assertData("everyone");
        }
    }

    @Test
    void publishingToAChannelNobodyFollowsIsKeptForReplay() throws Exception {
        HttpResponse<String> published = api.publish("later", "{\"id\":\"7\", \"data\":\"kept\"}");
        api.publish("later", "{\"id\":\"8\", \"data\":\"also kept\"}");
        assertEquals(201, published.statusCode());
        try (SseRecorder sub = SseRecorder.open(api.url("/later"), "Last-Event-ID", "7")) {
            sub.assertData("also kept");
        }
    }

    @Test
    void aSubscriberThatLeavesIsNoticedAndLeavesTheCount() throws Exception {
        server.stop();
        server = EsServer.start(ServerSettings.builder().port(0).keepalive(java.time.Duration.ofMillis(100)).build());
        api = new ApiClient(server.url(), null);
        SseRecorder sub = SseRecorder.open(api.url("/leaving"));
        api.awaitConsumers("leaving", 1);
        sub.close();
        api.awaitConsumers("leaving", 0);
    }

    @Test
    void idleStreamsGetKeepaliveComments() throws Exception {
        server.stop();
        server = EsServer.start(ServerSettings.builder().port(0).keepalive(java.time.Duration.ofMillis(100)).build());
        api = new ApiClient(server.url(), null);
        try (SseRecorder sub = SseRecorder.open(api.url("/quiet"))) {
            assertEquals("retry", sub.next().kind());
            assertEquals(new SseRecorder.Item("comment", null, null, ""), sub.next());
            assertTrue(sub.raw().endsWith("\n\n:\n\n"), sub.raw());
        }
    }
}
