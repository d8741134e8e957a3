package dev.es.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.es.server.testing.ApiClient;
import dev.es.server.testing.RunningHub;
import dev.es.server.testing.SseRecorder;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ReplayTest {

    /** The default history (1000) holds every event these tests publish, so any gap would be the hub's fault. */
    @RegisterExtension
    final RunningHub hub = RunningHub.withDefaults();

    @Test
    void reconnectingWithLastEventIdGetsWhatWasMissedThenLiveEvents() throws Exception {
        String lastSeen;
        try (SseRecorder first = SseRecorder.open(hub.api().url("/feed"))) {
            hub.api().awaitConsumers("feed", 1);
            hub.api().publish("feed", "{\"data\":\"one\"}");
            lastSeen = first.nextEvent().id();
        }
        hub.api().publish("feed", "{\"data\":\"two\"}");
        hub.api().publish("feed", "{\"data\":\"three\"}");
        try (SseRecorder again = SseRecorder.open(hub.api().url("/feed"), "Last-Event-ID", lastSeen)) {
            again.assertData("two", "three");
            hub.api().publish("feed", "{\"data\":\"four\"}");
            hub.api().publish("feed", "{\"data\":\"end\"}");
            // The marker comes right after "four": nothing was repeated in between.
            again.assertData("four", "end");
        }
    }

    @Test
    void theLastEventIdQueryParameterWorksForClientsThatCannotSetHeaders() throws Exception {
        hub.api().publish("feed", "{\"id\":\"a\", \"data\":\"one\"}");
        hub.api().publish("feed", "{\"id\":\"b\", \"data\":\"two\"}");
        try (SseRecorder again = SseRecorder.open(hub.api().url("/feed?lastEventId=a"))) {
            again.assertData("two");
        }
    }

    @Test
    void aBlankLastEventIdHeaderDoesNotHideTheQueryParameter() throws Exception {
        hub.api().publish("feed", "{\"id\":\"a\", \"data\":\"one\"}");
        hub.api().publish("feed", "{\"id\":\"b\", \"data\":\"two\"}");
        try (SseRecorder again = SseRecorder.open(hub.api().url("/feed?lastEventId=a"), "Last-Event-ID", " ")) {
            again.assertData("two");
        }
    }

    @Test
    void aNumericIdTheHubCouldNotCountPastIsRefusedSoIdsNeverGoBackwards() throws Exception {
        HttpResponse<String> tooLarge = hub.api().publish("feed", "{\"id\":\"9223372036854775806\", \"data\":\"x\"}");
        assertEquals(400, tooLarge.statusCode());
        assertTrue(tooLarge.body().contains("9007199254740991"), tooLarge.body());
        assertEquals(400, hub.api().publish("feed", "{\"id\":\"00009007199254740992\", \"data\":\"x\"}").statusCode());
        assertEquals(201, hub.api().publish("feed", "{\"id\":\"9007199254740991\", \"data\":\"largest\"}").statusCode());
        HttpResponse<String> next = hub.api().publish("feed", "{\"data\":\"after it\"}");
        assertEquals("{\"id\":\"9007199254740992\"}", next.body(), "the hub counts on past the publisher's id");
        try (SseRecorder again = SseRecorder.open(hub.api().url("/feed"), "Last-Event-ID", "9007199254740991")) {
            again.assertData("after it");
        }
    }

    @Test
    void anUnknownTextLastEventIdReplaysNothing() throws Exception {
        hub.api().publish("feed", "{\"data\":\"old\"}");
        try (SseRecorder again = SseRecorder.open(hub.api().url("/feed"), "Last-Event-ID", "no-such-id")) {
            hub.api().awaitConsumers("feed", 1);
            hub.api().publish("feed", "{\"data\":\"new\"}");
            assertEquals("es-gap", again.nextEvent().type());
            again.assertData("new");
        }
    }

    @Test
    void reconnectsDuringAStreamOfPublishesSeeEveryEventOnceInOrder() throws Exception {
        int total = 300;
        AtomicBoolean failed = new AtomicBoolean();
        List<String> seen = new ArrayList<>();
        String lastId = null;
        SseRecorder sub = SseRecorder.open(hub.api().url("/busy"));
        hub.api().awaitConsumers("busy", 1);
        Thread publisher = Thread.ofVirtual().start(() -> {
            try (ApiClient own = new ApiClient(hub.server().url(), null)) {
                for (int i = 1; i <= total; i++) {
                    if (own.publish("busy", "{\"data\":\"" + i + "\"}").statusCode() != 201) {
                        failed.set(true);
                    }
                }
            } catch (Exception e) {
                failed.set(true);
            }
        });
        // Reconnect after every 30 events, while the publisher keeps going.
        while (seen.size() < total) {
            for (int i = 0; i < 30 && seen.size() < total; i++) {
                SseRecorder.Item event = sub.nextEvent();
                seen.add(event.data());
                lastId = event.id();
            }
            sub.close();
            sub = SseRecorder.open(hub.api().url("/busy"), "Last-Event-ID", lastId);
        }
        sub.close();
        publisher.join();
        assertEquals(false, failed.get());
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= total; i++) {
            expected.add(Integer.toString(i));
        }
        assertEquals(expected, seen);
    }
}
