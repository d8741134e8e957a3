package dev.es.server.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import dev.es.common.SseParser;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real SSE client over a socket: what arrives is parsed with the project's parser and queued, and tests pop
 * it with bounded waits. Comments and retry hints are queued too, so tests can see keepalives.
 */
public final class SseRecorder implements AutoCloseable {

    /** One thing the stream carried. */
    public record Item(String kind, String id, String type, String data) {
        public static Item event(String id, String type, String data) {
            return new Item("event", id, type, data);
        }
    }

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final BlockingQueue<Item> items = new LinkedBlockingQueue<>();
    private final StringBuilder raw = new StringBuilder();
    private final CountDownLatch ended = new CountDownLatch(1);
    private final HttpResponse<InputStream> response;
    /** The client this recorder opened for itself, or null when it shares one it does not own. */
    private final HttpClient client;

    private SseRecorder(HttpClient client, HttpResponse<InputStream> response) {
        this.client = client;
        this.response = response;
        if (response.statusCode() == 200) {
            Thread.ofVirtual().name("sse-recorder").start(this::read);
        } else {
            ended.countDown();
        }
    }

    /** Subscribes on a connection of its own and returns once the response headers have arrived. */
    public static SseRecorder open(URI url, String... headers) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(WAIT).build();
        return new SseRecorder(client, send(client, url, headers));
    }

    /**
     * Subscribes through a client the caller owns (and closes), so that several streams can share one HTTP/2
     * connection; returns once the response headers have arrived.
     */
    public static SseRecorder open(HttpClient shared, URI url, String... headers) throws IOException, InterruptedException {
        return new SseRecorder(null, send(shared, url, headers));
    }

    private static HttpResponse<InputStream> send(HttpClient client, URI url, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    /** The HTTP version the stream came over. */
    public HttpClient.Version version() {
        return response.version();
    }

    public int status() {
        return response.statusCode();
    }

    public HttpHeaders headers() {
        return response.headers();
    }

    /** The next event, skipping comments and retry hints; fails after a bounded wait. */
    public Item nextEvent() throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Item item = items.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (item != null && item.kind().equals("event")) {
                return item;
            }
        }
        return fail("no event within " + WAIT + "; raw stream so far: " + raw());
    }

    /** The next item of any kind, within a bounded wait. */
    public Item next() throws InterruptedException {
        Item item = items.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(item, "nothing arrived within " + WAIT);
        return item;
    }

    /** Asserts the next events carry exactly these data values, in order. */
    public void assertData(String... data) throws InterruptedException {
        for (String expected : data) {
            assertEquals(expected, nextEvent().data());
        }
    }

    /** Waits for the server to end the stream. */
    public void awaitEnd() throws InterruptedException {
        if (!ended.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            fail("the stream did not end within " + WAIT);
        }
    }

    public boolean hasEnded() {
        return ended.getCount() == 0;
    }

    /** Everything received so far, as text. */
    public String raw() {
        synchronized (raw) {
            return raw.toString();
        }
    }

    private void read() {
        SseParser parser = new SseParser(new SseParser.Listener() {
            @Override
            public void onEvent(String lastEventId, String type, String data) {
                items.add(Item.event(lastEventId, type, data));
            }

            @Override
            public void onRetry(long millis) {
                items.add(new Item("retry", null, null, Long.toString(millis)));
            }

            @Override
            public void onComment(String text) {
                items.add(new Item("comment", null, null, text));
            }
        });
        byte[] buffer = new byte[8192];
        try (InputStream in = response.body()) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                synchronized (raw) {
                    raw.append(new String(buffer, 0, n, java.nio.charset.StandardCharsets.UTF_8));
                }
                parser.feed(buffer, 0, n);
            }
        } catch (IOException closed) {
            // closed by the test or reset by the server: either way the stream ended
        } finally {
            ended.countDown();
        }
    }

    @Override
    public void close() throws IOException {
        response.body().close();
        if (client != null) {
            client.close();
        }
    }
}
