package dev.es.server.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.es.common.Event;
import dev.es.server.EsServer;
import dev.es.server.ServerSettings;
import dev.es.server.testing.Browser;
import dev.es.server.testing.FreePort;
import dev.es.server.testing.RedisServer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A page's own EventSource in a real Chromium across a restart of its server: the history is in Redis, so
 * when the server is back on the same address the browser reconnects with its Last-Event-ID by itself and
 * receives what was published meanwhile (through another server), with no duplicate.
 */
class EventSourceRestartBrowserTest {

    @Test
    void aBrowsersEventSourceGetsWhatWasPublishedWhileItsServerRestarted() throws Exception {
        try (RedisServer redis = RedisServer.start();
                EsServer other = EsServer.start(ServerSettings.builder().port(0).redis(redis.uri()).build());
                Browser browser = Browser.start()) {
            int port = FreePort.pick();
            ServerSettings settings = ServerSettings.builder().port(port).redis(redis.uri()).build();
            EsServer first = EsServer.start(settings);
            try {
                browser.driver().get(first.url().resolve("/_es/v1/console").toString());
                browser.driver().executeScript("""
                        window.received = [];
                        const source = new EventSource('/feed');
                        source.onmessage = (e) => window.received.push(e.data);
                        """);
                browser.await(page -> first.consumerCount("feed") == 1);
                first.publish("feed", Event.of("one"));
                first.publish("feed", Event.of("two"));
                awaitReceived(browser, List.of("one", "two"));
            } finally {
                first.stop();
            }
            other.publish("feed", Event.of("while it was down"));
            try (EsServer restarted = EsServer.start(settings)) {
                browser.await(page -> restarted.consumerCount("feed") == 1);
                restarted.publish("feed", Event.of("after"));
                awaitReceived(browser, List.of("one", "two", "while it was down", "after"));
            }
        }
    }

    private static void awaitReceived(Browser browser, List<String> expected) throws InterruptedException {
        Object received = browser.await(page -> {
            Object now = browser.driver().executeScript("return window.received;");
            return expected.equals(now) ? now : null;
        });
        assertEquals(expected, received);
    }
}
