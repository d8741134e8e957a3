package dev.es.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.es.server.EsServer;
import dev.es.server.ServerSettings;
import dev.es.server.testing.ApiClient;
import dev.es.server.testing.SseRecorder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CloseTest {

    private EsServer server;
    private ApiClient api;

    @BeforeEach
    void start() {
        server = EsServer.start(ServerSettings.builder().port(0).build());
        api = new ApiClient(server.url(), null);
    }

    @AfterEach
    void stop() {
        api.close();
        server.stop();
    }

    @Test
    void deleteDisconnectsThatChannelsSubscribersAndNoOthers() throws Exception {
        try (SseRecorder closing = SseRecorder.open(api.url("/closing"));
                SseRecorder staying = SseRecorder.open(api.url("/staying"))) {
            api.awaitConsumers("closing", 1);
            api.awaitConsumers("staying", 1);
            assertEquals(200, api.delete("closing").statusCode());
            closing.awaitEnd();
            assertEquals("false", api.head("closing").headers().firstValue("X-Channel-Exists").orElseThrow());
            api.publish("staying", "{\"data\":\"still here\"}");
            staying.assertData("still here");
            assertFalse(staying.hasEnded());
        }
    }

    @Test
    void deleteAllDisconnectsEveryone() throws Exception {
        try (SseRecorder a = SseRecorder.open(api.url("/a"));
                SseRecorder b = SseRecorder.open(api.url("/b"))) {
            api.awaitConsumers("a", 1);
            api.awaitConsumers("b", 1);
            assertEquals(200, api.delete("all").statusCode());
            a.awaitEnd();
            b.awaitEnd();
            assertEquals("[]", api.head("all").headers().firstValue("X-Available-Channels").orElseThrow());
        }
    }

    @Test
    void stoppingTheServerEndsStreamsCleanly() throws Exception {
        try (SseRecorder sub = SseRecorder.open(api.url("/a"))) {
            api.awaitConsumers("a", 1);
            server.stop();
            sub.awaitEnd();
        }
    }
}
