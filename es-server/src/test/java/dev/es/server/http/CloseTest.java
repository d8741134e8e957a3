package dev.es.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.es.server.testing.RunningHub;
import dev.es.server.testing.SseRecorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CloseTest {

    @RegisterExtension
    final RunningHub hub = RunningHub.withDefaults();

    @Test
    void deleteDisconnectsThatChannelsSubscribersAndNoOthers() throws Exception {
        try (SseRecorder closing = SseRecorder.open(hub.api().url("/closing"));
                SseRecorder staying = SseRecorder.open(hub.api().url("/staying"))) {
            hub.api().awaitConsumers("closing", 1);
            hub.api().awaitConsumers("staying", 1);
            assertEquals(200, hub.api().delete("closing").statusCode());
            closing.awaitEnd();
            assertEquals("false", hub.api().head("closing").headers().firstValue("X-Channel-Exists").orElseThrow());
            hub.api().publish("staying", "{\"data\":\"still here\"}");
            staying.assertData("still here");
            assertFalse(staying.hasEnded());
        }
    }

    @Test
    void deleteAllDisconnectsEveryone() throws Exception {
        try (SseRecorder a = SseRecorder.open(hub.api().url("/a"));
                SseRecorder b = SseRecorder.open(hub.api().url("/b"))) {
            hub.api().awaitConsumers("a", 1);
            hub.api().awaitConsumers("b", 1);
            assertEquals(200, hub.api().delete("all").statusCode());
            a.awaitEnd();
            b.awaitEnd();
            assertEquals("[]", hub.api().head("all").headers().firstValue("X-Available-Channels").orElseThrow());
        }
    }

    @Test
    void stoppingTheServerEndsStreamsCleanly() throws Exception {
        try (SseRecorder sub = SseRecorder.open(hub.api().url("/a"))) {
            hub.api().awaitConsumers("a", 1);
            hub.server().stop();
            sub.awaitEnd();
        }
    }
}
