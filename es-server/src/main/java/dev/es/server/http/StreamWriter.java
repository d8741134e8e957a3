package dev.es.server.http;

import dev.es.common.SseFrames;
import dev.es.server.hub.CloseReason;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.IteratingCallback;

/**
 * One subscriber's writer, holding no thread: each turn takes everything queued and hands it to Jetty as one
 * non-blocking write; the write's completion starts the next turn, and a subscription that finds its queue
 * empty wakes the writer when frames arrive, which gives its turn to the executor ({@link WriterTurns}: the
 * publisher's thread once the publish has let go of the hub's locks, or a pool). On a connection of its own the
 * stream's body ends with the connection, so after the headers its frames go straight to the connection's endpoint,
 * past the response's write path.
 */
final class StreamWriter extends IteratingCallback {

    private static final byte[] KEEPALIVE = SseFrames.comment("");

    private final Response response;
    private final Callback done;
    private final Executor executor;
    private final BiConsumer<StreamWriter, Throwable> ended;
    private final Runnable turn = this::turn;
    /**
     * Whether a turn is queued on the executor and has not started: further wakes need none of their own (a
     * merged stream's channels each wake it, all for one publish to every channel). Set until {@link #start}:
     * a publish may wake the writer as soon as it is subscribed, before its response's headers are set, and
     * the start's own turn takes what that wake was for.
     */
    private final AtomicBoolean turnQueued = new AtomicBoolean(true);
    /** Written first, with the headers: how long the client waits before reconnecting. */
    private byte[] hello;
    /** Set by {@link #attach}, before the writer is started or seen by anything else. */
    private Feed feed;
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile boolean keepaliveDue;
    private volatile boolean wroteSinceTick;
    /** Set by {@link #writeDirectlyTo}; the frames after the first write go to it. */
    private EndPoint endPoint;
    private boolean headersSent;
    private volatile boolean directWritePending;
    /** Bytes written to the endpoint directly, which the response does not count. */
    private volatile long directBytes;
    /** Non-blocking, so the selector completes it itself; a turn only polls and starts a write. */
    private final Callback directWritten = new Callback() {
        @Override
        public void succeeded() {
            directWritePending = false;
            StreamWriter.this.succeeded();
        }

        @Override
        public void failed(Throwable failure) {
            directWritePending = false;
            StreamWriter.this.failed(failure);
        }

        @Override
        public InvocationType getInvocationType() {
            return InvocationType.NON_BLOCKING;
        }
    };

    /**
     * @param done the request's callback, completed when the stream ends
     * @param ended told once the stream has ended, with what failed it (null when it ended cleanly)
     */
    StreamWriter(Response response, Callback done, Executor executor, byte[] hello, BiConsumer<StreamWriter, Throwable> ended) {
        this.response = response;
        this.done = done;
        this.executor = executor;
        this.hello = hello;
        this.ended = ended;
    }

    /** Writes these frames right after the hello, before anything the feed holds. Before {@link #start} only. */
    void greet(byte[] frames) {
        byte[] both = new byte[hello.length + frames.length];
        System.arraycopy(hello, 0, both, 0, hello.length);
        System.arraycopy(frames, 0, both, hello.length, frames.length);
        hello = both;
    }

    /** What to write: the hub's answer to a subscribe (or several) whose wake is this writer's. */
    void attach(Feed feed) {
        this.feed = feed;
    }

    /**
     * Writes the frames after the headers straight to this endpoint: the stream has the connection to itself and
     * ends with it (HTTP/1.1, {@code Connection: close}), so there is nothing to frame. The request is where
     * {@link #bytesWritten} finds this writer. Before {@link #start} only.
     */
    void writeDirectlyTo(EndPoint endPoint, Request request) {
        this.endPoint = endPoint;
        request.setAttribute(StreamWriter.class.getName(), this);
    }

    /** Whether a write straight to the endpoint waits on the client: only the connection's close ends it. */
    boolean directWritePending() {
        return directWritePending;
    }

    /**
     * The body's bytes a request's answer wrote, for the access log: a stream's include those written straight to
     * the endpoint, which the response does not count.
     */
    static long bytesWritten(Request request, Response response) {
        long bytes = Response.getContentBytesWritten(response);
        return request.getAttribute(StreamWriter.class.getName()) instanceof StreamWriter writer
                ? bytes + writer.directBytes
                : bytes;
    }

    /** Starts writing: the headers and the hello go out now, on the caller's thread. */
    void start() {
        turnQueued.set(false);
        iterate();
    }

    Feed feed() {
        return feed;
    }

    /**
     * Schedules a turn: the subscription has frames again, or has closed. Never writes here: the caller may hold
     * the hub's locks.
     */
    void wake() {
        if (turnQueued.compareAndSet(false, true)) {
            executor.execute(turn);
        }
    }

    private void turn() {
        // Cleared before the turn polls: a wake from here on queues another turn rather than be missed.
        turnQueued.set(false);
        iterate();
    }

    /**
     * Called every keepalive interval: a stream that wrote no events since the last tick gets a comment, so an
     * idle stream gets one every interval.
     */
    void tick() {
        if (!wroteSinceTick) {
            keepaliveDue = true;
            wake();
        }
        wroteSinceTick = false;
    }

    @Override
    protected Action process() throws EofException {
        byte[] batch = hello != null ? hello : feed.poll();
        hello = null;
        if (batch == null) {
            if (feed.closeReason() == CloseReason.TOO_SLOW) {
                // Its connection is closed already: the stream failed, it did not end.
                throw new EofException("dropped as too slow");
            }
            return Action.SUCCEEDED;
        }
        if (batch.length == 0) {
            if (!keepaliveDue) {
                return Action.IDLE;
            }
            batch = KEEPALIVE;
        }
        keepaliveDue = false;
        // A keepalive is not news: counting it would skip the next tick, a comment every other interval.
        wroteSinceTick = batch != KEEPALIVE;
        if (endPoint != null && headersSent) {
            directBytes += batch.length;
            directWritePending = true;
            endPoint.write(directWritten, ByteBuffer.wrap(batch));
        } else {
            headersSent = true;
            response.write(false, ByteBuffer.wrap(batch), this);
        }
        return Action.SCHEDULED;
    }

    /**
     * The stream ended: cleanly (null), or because the subscriber left or stopped reading (it may reconnect and
     * replay from its Last-Event-ID).
     */
    @Override
    protected void onCompleted(Throwable failure) {
        try {
            ended.accept(this, failure);
        } finally {
            finish(failure);
        }
    }

    /**
     * An abort with a write pending (an HTTP/2 client that stopped reading, dropped as too slow, or a stop)
     * would otherwise wait for that write to fail at an idle timeout: failing the request now resets the
     * stream, which fails the write, and the stream ends.
     */
    @Override
    protected void onAborted(Throwable cause) {
        finish(cause);
    }

    /** Completes the request, once, however many ways the stream ends. */
    private void finish(Throwable failure) {
        if (finished.compareAndSet(false, true)) {
            if (failure == null) {
                done.succeeded();
            } else {
                done.failed(failure);
            }
        }
    }
}
