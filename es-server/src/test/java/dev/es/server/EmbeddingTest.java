package dev.es.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.es.common.Event;
import dev.es.server.hub.Subscription;
import dev.es.server.testing.ApiClient;
import dev.es.server.testing.SseRecorder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The README's embedding example, against a real HTTP subscriber. */
class EmbeddingTest {

    @Test
    void theGoInterfaceMirrorWorksOnARunningHub() throws Exception {
        try (EsServer hub = EsServer.start(ServerSettings.builder().port(0).token("s3cret").build());
                ApiClient api = new ApiClient(hub.url(), "s3cret");
                SseRecorder browser = SseRecorder.open(api.url("/updates"))) {
            api.awaitConsumers("updates", 1);
            Subscription inProcess = hub.hub().subscribe("updates", null);

            assertEquals("1", hub.publish("updates", new Event("1", "greeting", "hello", null)).id());
            assertEquals(SseRecorder.Item.event("1", "greeting", "hello"), browser.nextEvent());
            assertArrayEquals("id: 1\nevent: greeting\ndata: hello\n\n".getBytes(StandardCharsets.UTF_8),
                    inProcess.take(5, TimeUnit.SECONDS));
            assertEquals(true, hub.channelExists("updates"));
            assertEquals(2, hub.consumerCount("updates"));
            assertEquals(2, hub.consumerCountAll());
            assertEquals(List.of("updates"), hub.channels());

            hub.close("updates");
            browser.awaitEnd();
            assertEquals(false, hub.channelExists("updates"));
            hub.closeAll();
        }
    }
}
