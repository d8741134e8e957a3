package dev.es.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.es.common.Event;
import dev.es.server.EsServer;
import dev.es.server.ServerLog;
import dev.es.server.ServerSettings;
import dev.es.server.testing.ApiClient;
import dev.es.server.testing.SseRecorder;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** --subscribe-token: a subscriber shows it as EventSource can (cookie, query) or as other clients do (headers). */
class SubscribeTokenTest {

    private static final String TOKEN = "for-readers";

    @Test
    void aSubscriberWithoutTheTokenIsRefusedAndEveryWayOfShowingItWorks() throws Exception {
        StringWriter log = new StringWriter();
        ServerSettings settings = ServerSettings.builder().port(0).subscribeToken(TOKEN).accessLog(true).build();
        try (EsServer server = EsServer.start(settings, new ServerLog(new PrintWriter(log, true), ServerLog.Format.TEXT))) {
            var feed = server.url().resolve("/feed");
            try (SseRecorder none = SseRecorder.open(feed);
                    SseRecorder wrong = SseRecorder.open(feed, "Authorization", "Bearer nope")) {
                assertEquals(403, none.status());
                assertEquals(403, wrong.status());
            }
            try (SseRecorder bearer = SseRecorder.open(feed, "Authorization", "Bearer " + TOKEN);
                    SseRecorder header = SseRecorder.open(feed, "Auth-Token", TOKEN);
                    SseRecorder cookie = SseRecorder.open(feed, "Cookie", "es_token=" + TOKEN);
                    SseRecorder query = SseRecorder.open(server.url().resolve("/feed?token=" + TOKEN));
                    SseRecorder merged = SseRecorder.open(server.url().resolve("/_es/v1/stream?channel=feed&token=" + TOKEN));
                    ApiClient api = new ApiClient(server.url(), null)) {
                api.awaitConsumers("feed", 5);
                server.publish("feed", Event.of("for readers only"));
                for (SseRecorder each : new SseRecorder[] {bearer, header, cookie, query, merged}) {
                    each.assertData("for readers only");
                }
            }
        }
        assertFalse(log.toString().contains(TOKEN), "the token is in no log line:\n" + log);
    }
}
