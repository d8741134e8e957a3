package dev.es.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.es.common.Event;
import dev.es.server.testing.RunningHub;
import dev.es.server.testing.SseRecorder;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A prefix tells its follower which channels exist: on a hub with a token, only the token that may list them
 * (or a channel token, within its grant) may follow by prefix, and a prefix finds its channels among many.
 */
class PrefixListingTest {

    private static final String TOKEN = "hub-token";

    @RegisterExtension
    final RunningHub hub = RunningHub.with(s -> s.token(TOKEN).subscribeToken("readers"));

    @Test
    void withoutTheHubsTokenAPrefixAnswersAlikeWhetherItMatchesOrNot() throws Exception {
        hub.server().publish("billing-acme-42", Event.of("secret"));
        for (String prefix : List.of("billing-*", "b*", "nothing-*", "*")) {
            for (String reader : List.of("", "&token=readers")) {
                try (SseRecorder guess = SseRecorder.open(hub.api().url("/_es/v1/stream?channel=" + prefix + reader))) {
                    assertEquals(403, guess.status(), prefix + reader);
                }
            }
        }
        try (SseRecorder named = SseRecorder.open(hub.api().url("/_es/v1/stream?channel=billing-acme-42&token=readers"))) {
            assertEquals(200, named.status(), "following by name is as open as before");
        }
    }

    @Test
    void theHubsTokenFollowsAPrefixFoundAmongManyChannels() throws Exception {
        for (int i = 0; i < 5_000; i++) {
            hub.server().publish("other-" + i, Event.of("x"));
        }
        hub.server().publish("news-1", Event.of("x"));
        hub.server().publish("news-2", Event.of("x"));
        hub.server().publish("newt", Event.of("x"));
        try (SseRecorder news = SseRecorder.open(hub.api().url("/_es/v1/stream?channel=news-*"), "Auth-Token", TOKEN)) {
            assertEquals(200, news.status());
            hub.api().awaitConsumers("news-1", 1);
            hub.api().awaitConsumers("news-2", 1);
            assertEquals(0, hub.api().consumers("newt"));
            hub.server().publish("news-2", Event.of("to news-2"));
            SseRecorder.Item got = news.nextEvent();
            assertEquals("to news-2", got.data());
            assertTrue(got.id().startsWith("c=news-2&"), got.id());
        }
        try (SseRecorder tooMany = SseRecorder.open(hub.api().url("/_es/v1/stream?channel=other-*"), "Auth-Token", TOKEN)) {
            assertEquals(400, tooMany.status(), "more channels than one stream follows");
        }
    }
}
