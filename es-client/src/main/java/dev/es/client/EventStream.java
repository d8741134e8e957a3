package dev.es.client;

import dev.es.common.EsException;
import dev.es.common.Protocol;
import dev.es.common.SseParser;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A stream's events (one channel's, or several's), followed the way a browser's EventSource follows them:
 * on a dropped connection it waits the hub's {@code retry:} time (doubling on repeated failures, with jitter), reconnects with
 * {@code Last-Event-ID}, and the hub replays what was missed — so each event arrives once, in order.
 * A refusal (an HTTP error) is never retried, nor is a hub that could not be reached at all the first time.
 */
public final class EventStream {

    /** What a follower hears. */
    public interface Listener {
        /**
         * An event.
         *
         * @param streamId the stream's id after it, to resume from (on a stream of several channels, not the event's)
         * @param eventId the event's own id: the stream's on one channel, its {@link Protocol#EVENT_ID_FIELD} on several
         */
        void onEvent(String streamId, String eventId, String type, String data);

        /** The stream is open, at {@code url}: the first time, or again after {@link #onLost}. */
        void onConnected(URI url);

        /** The stream ended or could not be opened again; the next attempt comes after {@code wait}. */
        void onLost(Duration wait);
    }

    /** The wait before reconnecting until the hub says otherwise; the WHATWG standard leaves it to clients. */
    static final Duration DEFAULT_RETRY = Duration.ofSeconds(2);
    /** The longest wait between attempts, however often they failed. */
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /**
     * A stream silent this long is taken for dead and reconnected (the read times out): es serve sends a
     * comment every 15 s by default, so four missed keepalives.
     */
    static final Duration IDLE_LIMIT = Duration.ofSeconds(60);

    private final EsClient client;
    private final String path;
    private final boolean reconnect;
    private final long maxEventBytes;
    private volatile boolean stopped;
    private volatile Thread reader;

    /**
     * @param path the stream's path on the hub: {@link EsClient#streamPath}'s
     * @param reconnect false to return when the hub ends the stream or the connection drops
     * @param maxEventBytes the largest event accepted; a larger one fails the stream
     */
    public EventStream(EsClient client, String path, boolean reconnect, long maxEventBytes) {
        this.client = client;
        this.path = path;
        this.reconnect = reconnect;
        this.maxEventBytes = maxEventBytes;
    }

    /**
     * Follows the channel until {@link #stop()}, or until the stream ends and reconnecting is off.
     *
     * @param lastEventId where to resume, or null for live events only
     * @throws EsException when the hub refuses the stream or cannot be reached at the first attempt
     */
    public void run(String lastEventId, Listener listener) throws InterruptedException {
        // On a virtual thread, a blocked socket read ends at once when the thread is interrupted: that is how
        // stop() ends a stream that is waiting for the next event (closing the connection does not).
        RuntimeException[] failure = {null};
        Thread reader = Thread.ofVirtual().name("es-stream").unstarted(() -> {
            try {
                follow(lastEventId, listener);
            } catch (RuntimeException e) {
                failure[0] = e;
            } catch (InterruptedException stoppedWhileWaiting) {
                // stop() during the wait before a reconnect
            }
        });
        this.reader = reader;
        reader.start();
        try {
            reader.join();
        } catch (InterruptedException e) {
            stop();
            throw e;
        }
        if (failure[0] != null) {
            throw failure[0];
        }
    }

    private void follow(String lastEventId, Listener listener) throws InterruptedException {
        String resumeFrom = lastEventId;
        long retryMillis = DEFAULT_RETRY.toMillis();
        boolean connectedOnce = false;
        int failures = 0;
        while (!stopped) {
            long[] retry = {retryMillis};
            SseParser parser = new SseParser(new SseParser.Listener() {
                private String ownId;

                @Override
                public void onOtherField(String name, String value) {
                    if (name.equals(Protocol.EVENT_ID_FIELD)) {
                        ownId = value;
                    }
                }

                @Override
                public void onEvent(String id, String type, String data) {
                    listener.onEvent(id, ownId != null ? ownId : id, type, data);
                    ownId = null;
                }

                @Override
                public void onRetry(long millis) {
                    retry[0] = millis;
                }
            }, maxEventBytes);
            HttpURLConnection connection = null;
            try {
                connection = client.openStream(path, resumeFrom, IDLE_LIMIT);
                connectedOnce = true;
                failures = 0;
                listener.onConnected(client.endpoint().resolve(path));
                // A stop() that came while the connection was opening had no read to interrupt: do not start one.
                if (!stopped) {
                    pump(connection.getInputStream(), parser);
                }
            } catch (EsException e) {
                // A read ended by stop() is not a failure, even before the stream was ever open.
                if (!stopped && (!connectedOnce || e.exitCode() != EsException.UNREACHABLE || !reconnect)) {
                    throw e;
                }
            } catch (IOException droppedSilentOrStopped) {
                // Reconnected below, like any end of the stream, unless stopped.
            } finally {
                if (connection != null) {
                    connection.disconnect();
                }
            }
            retryMillis = retry[0];
            if (!parser.lastEventId().isEmpty()) {
                resumeFrom = parser.lastEventId();
            }
            if (stopped || !reconnect) {
                return;
            }
            long wait = backoff(retryMillis, failures++);
            listener.onLost(Duration.ofMillis(wait));
            Thread.sleep(wait);
        }
    }

    /** Ends {@link #run} from any thread, at once. */
    public void stop() {
        stopped = true;
        Thread running = reader;
        if (running != null) {
            running.interrupt();
        }
    }

    private void pump(InputStream in, SseParser parser) throws IOException {
        byte[] buffer = new byte[16 * 1024];
        try (in) {
            for (int n = in.read(buffer); n >= 0 && !stopped; n = in.read(buffer)) {
                parser.feed(buffer, 0, n);
            }
        } catch (SseParser.EventTooLargeException e) {
            throw new EsException(EsException.FAILURE, e.getMessage() + " (raise --max-event-bytes to accept it)");
        }
    }

    /** The retry time, doubled per consecutive failure up to a cap, with up to 20% jitter against herds. */
    static long backoff(long retryMillis, int failures) {
        // Capped before the shift too: a huge retry: from the hub would overflow it.
        long cap = MAX_BACKOFF.toMillis();
        long base = Math.min(cap, Math.min(cap, retryMillis) << Math.min(failures, 5));
        return base + ThreadLocalRandom.current().nextLong(base / 5 + 1);
    }
}
