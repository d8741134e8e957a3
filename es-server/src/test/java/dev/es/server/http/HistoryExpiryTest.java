package dev.es.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.es.common.Event;
import dev.es.server.testing.Eventually;
import dev.es.server.testing.RunningHub;
import dev.es.server.testing.SseRecorder;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Events are kept for replay for --history-ttl; a channel holding only expired history is forgotten. */
class HistoryExpiryTest {

    @RegisterExtension
    final RunningHub hub = RunningHub.with(s -> s.historyTtl(Duration.ofMillis(300)));

    @Test
    void aChannelHoldingOnlyHistoryIsForgottenOnceItExpires() throws Exception {
        try (SseRecorder follower = SseRecorder.open(hub.api().url("/kept"))) {
            hub.api().awaitConsumers("kept", 1);
            hub.server().publish("brief", Event.of("soon gone"));
            hub.server().publish("kept", Event.of("old"));
            follower.assertData("old");
            assertEquals(true, hub.server().channelExists("brief"));
            assertEquals(false, Eventually.poll(() -> hub.server().channelExists("brief"), exists -> !exists,
                    Duration.ofSeconds(10)), "expired a TTL and a sweep after its event");
            try (SseRecorder fromTheStart = SseRecorder.open(hub.api().url("/kept"), "Last-Event-ID", "0")) {
                hub.api().awaitConsumers("kept", 2);
                hub.server().publish("kept", Event.of("new"));
                assertEquals("es-gap", fromTheStart.nextEvent().type(), "the hub does not hold the id 0");
                fromTheStart.assertData("new");
            }
            assertEquals(true, hub.server().channelExists("kept"), "a channel with a subscriber stays");
        }
    }
}
