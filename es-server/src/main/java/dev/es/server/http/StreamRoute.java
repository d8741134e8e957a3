package dev.es.server.http;

import dev.es.common.Protocol;
import dev.es.common.SseFrames;
import dev.es.server.hub.Hub;
import dev.es.server.hub.Subscription;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.HttpOutput;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.EndPoint;

/**
 * GET {@code /{channel}}: the event stream. The request's own (virtual) thread becomes the subscriber's one
 * writer: it takes everything queued, writes it in one blocking write, and when nothing comes for the
 * keepalive interval writes a comment, which is also how a client that went away is noticed.
 *
 * <p>A write that makes no progress for the configured timeout fails through Jetty's I/O idle timeout, which
 * only ever fails pending reads and writes, never an idle stream.
 */
final class StreamRoute {

    /** How long a client should wait before reconnecting: soon, but not in a tight loop. */
    static final Duration RECONNECT_HINT = Duration.ofSeconds(2);

    private static final byte[] KEEPALIVE = SseFrames.comment("");
    private static final byte[] HELLO = SseFrames.retry(RECONNECT_HINT.toMillis());

    private final Hub hub;
    private final long keepaliveNanos;
    /** The writers now running and what they write for, so that a stop can let them finish, or cut them. */
    private final Map<Thread, Subscription> writers = new ConcurrentHashMap<>();

    StreamRoute(Hub hub, Duration keepalive) {
        this.hub = hub;
        this.keepaliveNanos = keepalive.toNanos();
    }

    void stream(Context ctx) throws IOException, InterruptedException {
        String channel = ChannelRoutes.channel(ctx);
        String lastEventId = ctx.header(Protocol.LAST_EVENT_ID);
        if (lastEventId == null || lastEventId.isBlank()) {
            lastEventId = ctx.queryParam(Protocol.LAST_EVENT_ID_PARAM);
        }
        // Refuses 'all' (400) before anything is written.
        Subscription subscription = hub.subscribe(channel, lastEventId);
        ctx.status(200);
        ctx.header("Content-Type", Protocol.EVENT_STREAM);
        ctx.header("Cache-Control", "no-cache");
        // Tells nginx (and proxies that copy it) not to buffer the stream.
        ctx.header("X-Accel-Buffering", "no");

        writers.put(Thread.currentThread(), subscription);
        try {
            // Closing the connection is what unblocks a writer stuck on a client that stopped reading.
            EndPoint endPoint = ServletContextRequest.getServletContextRequest(ctx.req())
                    .getConnectionMetaData()
                    .getConnection()
                    .getEndPoint();
            subscription.onAbort(endPoint::close);
            HttpOutput out = (HttpOutput) ctx.res().getOutputStream();
            out.write(ByteBuffer.wrap(HELLO));
            for (byte[] batch = subscription.take(keepaliveNanos, TimeUnit.NANOSECONDS);
                    batch != null;
                    batch = subscription.take(keepaliveNanos, TimeUnit.NANOSECONDS)) {
                out.write(ByteBuffer.wrap(batch.length == 0 ? KEEPALIVE : batch));
            }
        } catch (IOException clientGoneOrStalled) {
            // The subscriber left or stopped reading; it may reconnect and replay from its Last-Event-ID.
        } finally {
            hub.unsubscribe(subscription);
            writers.remove(Thread.currentThread());
        }
    }

    /**
     * Lets the writers return once their subscriptions are closed, for at most the grace period; then cuts
     * the connections of those still blocked in a write to a client that does not read.
     */
    void awaitWriters(Duration grace) throws InterruptedException {
        long deadline = System.nanoTime() + grace.toNanos();
        for (Thread writer : writers.keySet()) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                writer.join(Duration.ofNanos(left));
            }
        }
        writers.values().forEach(Subscription::abort);
    }
}
