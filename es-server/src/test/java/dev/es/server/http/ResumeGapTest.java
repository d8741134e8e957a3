package dev.es.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.es.common.Json;
import dev.es.server.testing.RunningHub;
import dev.es.server.testing.SseRecorder;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A resume says whether it is exact: {@code Es-Replay: exact}, or {@code gap} with a first {@code es-gap} event
 * naming what the client sent and what replay starts after; told once, not again on the next reconnect.
 */
class ResumeGapTest {

    /** Two events of history per channel, so that a third publish lets the first go. */
    @RegisterExtension
    final RunningHub hub = RunningHub.with(settings -> settings.history(2));

    @Test
    void anExactResumeSaysSoAndAddsNothing() throws Exception {
        String first = id(hub.api().publish("feed", "{\"data\":\"one\"}"));
        hub.api().publish("feed", "{\"data\":\"two\"}");
        try (SseRecorder again = SseRecorder.open(hub.api().url("/feed"), "Last-Event-ID", first)) {
            assertEquals("exact", again.headers().firstValue("Es-Replay").orElseThrow());
            again.assertData("two");
        }
        try (SseRecorder fresh = SseRecorder.open(hub.api().url("/feed"))) {
            assertEquals(null, fresh.headers().firstValue("Es-Replay").orElse(null), "no resume, nothing said");
        }
    }

    @Test
    void historyCutByItsBoundIsAGapToldOnceThenResumedExactly() throws Exception {
        String first = id(hub.api().publish("feed", "{\"data\":\"one\"}"));
        String second = id(hub.api().publish("feed", "{\"data\":\"two\"}"));
        hub.api().publish("feed", "{\"data\":\"three\"}");
        hub.api().publish("feed", "{\"data\":\"four\"}");
        String gapId;
        try (SseRecorder again = SseRecorder.open(hub.api().url("/feed"), "Last-Event-ID", first)) {
            assertEquals("gap", again.headers().firstValue("Es-Replay").orElseThrow());
            SseRecorder.Item gap = again.nextEvent();
            assertEquals("es-gap", gap.type());
            assertEquals(Map.of("lastEventId", first, "resumedAfter", second), Json.MAPPER.readValue(gap.data(), Map.class));
            assertEquals(second, gap.id(), "a reconnect before any replayed event resumes where replay starts");
            gapId = gap.id();
            again.assertData("three", "four");
        }
        try (SseRecorder reconnect = SseRecorder.open(hub.api().url("/feed"), "Last-Event-ID", gapId)) {
            assertEquals("exact", reconnect.headers().firstValue("Es-Replay").orElseThrow());
            reconnect.assertData("three", "four");
        }
    }

    @Test
    void anIdTheHubNeverGaveIsAGapAndReplaysNothing() throws Exception {
        String newest = id(hub.api().publish("feed", "{\"data\":\"one\"}"));
        try (SseRecorder again = SseRecorder.open(hub.api().url("/feed"), "Last-Event-ID", "not-one-of-ours")) {
            assertEquals("gap", again.headers().firstValue("Es-Replay").orElseThrow());
            SseRecorder.Item gap = again.nextEvent();
            assertEquals(Map.of("lastEventId", "not-one-of-ours", "resumedAfter", newest),
                    Json.MAPPER.readValue(gap.data(), Map.class));
            hub.api().publish("feed", "{\"data\":\"live\"}");
            again.assertData("live");
        }
    }

    @Test
    void aChannelThatHoldsNothingOfAnIdIsAGapWithNothingToResumeAfter() throws Exception {
        // As after a restart of a hub that keeps history in memory: the channel is new to it.
        try (SseRecorder again = SseRecorder.open(hub.api().url("/empty"), "Last-Event-ID", "1234")) {
            assertEquals("gap", again.headers().firstValue("Es-Replay").orElseThrow());
            SseRecorder.Item gap = again.nextEvent();
            assertEquals("", gap.id(), "no id: the client keeps the one it sent");
            assertEquals("{\"lastEventId\":\"1234\",\"resumedAfter\":null}", gap.data());
        }
    }

    @Test
    void aMergedStreamNamesTheChannelWhoseResumeHasAGap() throws Exception {
        String merged = "/_es/v1/stream?channel=a&channel=b";
        String lastSeen;
        try (SseRecorder both = SseRecorder.open(hub.api().url(merged))) {
            hub.api().awaitConsumers("a", 1);
            hub.api().publish("a", "{\"data\":\"a1\"}");
            hub.api().publish("b", "{\"data\":\"b1\"}");
            both.nextEvent();
            lastSeen = both.nextEvent().id();
        }
        // Three more to a, with two kept: a2, which came after the stream's place, is let go.
        for (String data : new String[] {"a2", "a3", "a4"}) {
            hub.api().publish("a", "{\"data\":\"" + data + "\"}");
        }
        try (SseRecorder again = SseRecorder.open(hub.api().url(merged), "Last-Event-ID", lastSeen)) {
            assertEquals("gap", again.headers().firstValue("Es-Replay").orElseThrow());
            SseRecorder.Item gap = again.nextEvent();
            assertEquals("es-gap", gap.type());
            assertEquals("a", Json.MAPPER.readValue(gap.data(), Map.class).get("channel"));
            again.assertData("a3", "a4");
        }
    }

    private static String id(HttpResponse<String> published) throws Exception {
        return (String) Json.MAPPER.readValue(published.body(), Map.class).get("id");
    }
}
