package dev.es.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.es.common.SseParser;
import dev.es.server.testing.Eventually;
import dev.es.server.testing.RedisServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Two es serve on one Redis, restarted one after the other with SIGTERM while a publisher publishes and a
 * subscriber follows, as EventSource does: on the end of its stream it waits the retry hint and reconnects,
 * to a server that is up, with its Last-Event-ID. Every event the hub accepted reaches it, once, in order.
 */
class RollingRestartIT {

    private static final Duration RUN = Duration.ofSeconds(40);

    private final List<URI> up = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    @Test
    void aRollingRestartLosesNoEventForASubscriberThatReconnects() throws Exception {
        long deadline = System.nanoTime() + RUN.toNanos();
        try (RedisServer redis = RedisServer.start()) {
            List<ServeProcess> servers = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    servers.add(start(redis));
                }
                List<String> accepted = Collections.synchronizedList(new ArrayList<>());
                // Events whose answer was lost with a stopping server: stored or not, they are not sent again.
                List<String> uncertain = Collections.synchronizedList(new ArrayList<>());
                List<String> received = Collections.synchronizedList(new ArrayList<>());
                AtomicBoolean publishing = new AtomicBoolean(true);
                AtomicLong reconnects = new AtomicLong();
                Thread follower = Thread.ofVirtual().start(() -> follow(received, reconnects, deadline));
                Thread publisher = Thread.ofVirtual().start(() -> publish(accepted, uncertain, publishing, deadline));

                awaitSize(accepted, 20, deadline);
                for (int i = 0; i < servers.size(); i++) {
                    ServeProcess old = servers.get(i);
                    up.remove(old.url());
                    new ProcessBuilder("kill", "-TERM", Long.toString(old.pid())).start().waitFor();
                    assertEquals(143, old.awaitExit(5_000), "exits after SIGTERM within its shutdown timeout");
                    old.close();
                    int before = accepted.size();
                    servers.set(i, start(redis));
                    awaitSize(accepted, before + 20, deadline);
                }
                publishing.set(false);
                publisher.join(Duration.ofSeconds(10));
                awaitSize(received, accepted.size(), deadline);
                follower.interrupt();
                assertTrue(reconnects.get() >= 1, "the subscriber was moved at least once");
                // One publish in flight at a time: a stop can lose at most the answer it was waiting for.
                assertTrue(uncertain.size() <= servers.size(), "at most one answer lost per restart: " + uncertain);
                List<String> certain = received.stream().filter(data -> !uncertain.contains(data)).toList();
                assertEquals(List.copyOf(accepted), certain, "every accepted event, once, in order");
                assertEquals(received.stream().distinct().count(), received.size(), "nothing twice: " + received);
            } finally {
                for (ServeProcess server : servers) {
                    server.close();
                }
            }
        }
    }

    private ServeProcess start(RedisServer redis) throws IOException {
        ServeProcess server = ServeProcess.start(Map.of(), "--port", "0", "--redis", redis.uri());
        up.add(server.url());
        return server;
    }

    /**
     * Publishes p0, p1… to a server that is up, every 20 ms; an event counts once a server answered 201. One
     * refused (503, or a connection refused) is published again elsewhere; one whose answer was lost in
     * flight may have been stored, so it is counted uncertain and the next one follows.
     */
    private void publish(List<String> accepted, List<String> uncertain, AtomicBoolean publishing, long deadline) {
        int next = 0;
        while (publishing.get() && System.nanoTime() < deadline) {
            String data = "p" + next;
            for (URI server : List.copyOf(up)) {
                try {
                    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(server.resolve("/rolling"))
                            .header("Content-Type", "application/json")
                            .timeout(Duration.ofSeconds(2))
                            .POST(HttpRequest.BodyPublishers.ofString("{\"data\":\"" + data + "\"}"))
                            .build(), HttpResponse.BodyHandlers.ofString());
                    if (answer.statusCode() == 201) {
                        accepted.add(data);
                        next++;
                        break;
                    }
                } catch (java.net.ConnectException refused) {
                    // A server gone: the next one takes it.
                } catch (IOException lostInFlight) {
                    uncertain.add(data);
                    next++;
                    break;
                } catch (InterruptedException e) {
                    return;
                }
            }
            pause(20);
        }
    }

    /** Follows the channel as EventSource would, moving to a server that is up whenever its stream ends. */
    private void follow(List<String> received, AtomicLong reconnects, long deadline) {
        String[] lastEventId = {""};
        long[] retry = {100};
        int turn = 0;
        while (System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
            List<URI> servers = List.copyOf(up);
            if (servers.isEmpty()) {
                pause(50);
                continue;
            }
            URI server = servers.get(turn++ % servers.size());
            HttpRequest.Builder request = HttpRequest.newBuilder(server.resolve("/rolling"));
            if (!lastEventId[0].isEmpty()) {
                request.header("Last-Event-ID", lastEventId[0]);
            }
            SseParser parser = new SseParser(new SseParser.Listener() {
                @Override
                public void onEvent(String id, String type, String data) {
                    lastEventId[0] = id;
                    received.add(data);
                }

                @Override
                public void onRetry(long millis) {
                    retry[0] = millis;
                }
            });
            try {
                HttpResponse<InputStream> stream = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream in = stream.body()) {
                    byte[] buffer = new byte[8192];
                    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                        parser.feed(buffer, 0, n);
                    }
                }
            } catch (IOException endedOrRefused) {
                // Reconnect below.
            } catch (InterruptedException e) {
                return;
            }
            reconnects.incrementAndGet();
            pause(retry[0]);
        }
    }

    private static void awaitSize(List<String> list, int size, long deadline) throws Exception {
        int reached = Eventually.poll(list::size, n -> n >= size, Duration.ofNanos(deadline - System.nanoTime()));
        assertTrue(reached >= size, "reached " + reached + " of " + size + " in time");
    }

    private static void pause(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
