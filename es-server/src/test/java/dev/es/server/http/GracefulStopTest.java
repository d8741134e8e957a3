package dev.es.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.es.common.Event;
import dev.es.server.EsServer;
import dev.es.server.ServerSettings;
import dev.es.server.hub.Hub;
import dev.es.server.testing.ApiClient;
import dev.es.server.testing.SseRecorder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A stopping server tells its subscribers to come back, each after a time of its own, then ends their streams. */
class GracefulStopTest {

    @Test
    void aStopSendsWhatIsQueuedThenARetryHintThenEndsTheStream() throws Exception {
        // Streams get a quarter of the shutdown timeout to write what is queued: 5 s, so that a busy machine's
        // writer pool, not the server, decides nothing here.
        EsServer server = EsServer.start(ServerSettings.builder().port(0).shutdownTimeout(Duration.ofSeconds(20)).build());
        List<SseRecorder> subscribers = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                subscribers.add(SseRecorder.open(server.url().resolve("/feed")));
            }
            try (ApiClient api = new ApiClient(server.url(), null)) {
                api.awaitConsumers("feed", subscribers.size());
            }
            server.publish("feed", Event.of("last words"));
            server.stop();
            for (SseRecorder subscriber : subscribers) {
                subscriber.assertData("last words");
                SseRecorder.Item hint = subscriber.next();
                assertEquals("retry", hint.kind(), subscriber.raw());
                long millis = Long.parseLong(hint.data());
                assertTrue(millis >= Hub.COME_BACK_AFTER.toMillis() && millis <= 2 * Hub.COME_BACK_AFTER.toMillis(),
                        "retry " + millis);
                subscriber.awaitEnd();
            }
        } finally {
            server.stop();
            for (SseRecorder subscriber : subscribers) {
                subscriber.close();
            }
        }
    }
}
