package dev.es.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.es.common.Event;
import dev.es.server.hub.Subscription;
import dev.es.server.testing.RunningHub;
import dev.es.server.testing.SseRecorder;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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

    /** A prefix is looked up in an index of names: it takes no channel's lock, so a busy channel cannot hold it. */
    @Test
    void aPrefixDoesNotWaitForAnotherChannelsLock() throws Exception {
        hub.server().publish("news-1", Event.of("x"));
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // A wake runs on the publisher's thread under its channel's lock: this one keeps "busy" locked.
        Subscription held = hub.server().hub().subscribe("busy", null, () -> {
            holding.countDown();
            awaitQuietly(release);
        });
        held.poll();
        Thread publisher = Thread.ofPlatform().start(() -> hub.server().publish("busy", Event.of("x")));
        try (HttpClient client = HttpClient.newHttpClient()) {
            assertTrue(holding.await(10, TimeUnit.SECONDS));
            HttpResponse<InputStream> news = client.send(HttpRequest.newBuilder(hub.api().url("/_es/v1/stream?channel=news-*"))
                    .header("Auth-Token", TOKEN).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, news.statusCode());
            news.body().close();
        } finally {
            release.countDown();
            publisher.join();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
