package dev.es.server.http;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;

/**
 * Reads a request's body as it arrives, never blocking: what has come is taken, then Jetty is asked to call again
 * when more comes ({@link Request#demand}). What is done with the body must not block either, or hand itself on. At most {@code limit} bytes are kept: a body declared larger is
 * refused before a byte is read, one that grows past it as soon as it does (413, and the connection is closed
 * rather than drained). A body still arriving {@code deadline} after the request began is refused 408:
 * {@link RequestDeadline} cuts an HTTP/1 connection that trickles, this an HTTP/2 stream as well.
 */
final class BodyReader implements Runnable, Invocable {

    /** What is done with a body read whole, or with the refusal. */
    interface Done {
        void body(byte[] body);

        void refused(ApiError refusal);
    }

    /** The most of a refused request's body read before answering (see {@link #refuse}). */
    private static final int DRAIN_LIMIT = 64 * 1024;
    /** Memory follows the bytes that came, not the length declared (which costs a client nothing to claim). */
    private static final int FIRST_BUFFER = 16 * 1024;

    private final Request request;
    private final long limit;
    private final String limitName;
    private final long deadlineNanos;
    private final Duration deadline;
    private final Done done;
    private final long declared;
    private byte[] body;
    private int length;

    private BodyReader(Request request, long limit, String limitName, Duration deadline, Done done) {
        this.request = request;
        this.limit = limit;
        this.limitName = limitName;
        this.deadline = deadline;
        this.deadlineNanos = request.getBeginNanoTime() + deadline.toNanos();
        this.done = done;
        this.declared = request.getLength();
        // A body of a chunk or less, most publishes, is one array of its declared length.
        this.body = new byte[(int) Math.min(declared >= 0 ? declared : limit + 1, FIRST_BUFFER)];
    }

    /**
     * Reads the body of the request, then tells {@code done}, on whichever thread the last bytes came.
     *
     * @param limitName the flag that sets the limit, for the refusal's message
     */
    static void read(Request request, long limit, String limitName, Duration deadline, Done done) {
        BodyReader reader = new BodyReader(request, limit, limitName, deadline, done);
        if (reader.declared > limit) {
            done.refused(reader.tooLarge());
            return;
        }
        reader.run();
    }

    /** Jetty may call it where the bytes came: it only copies them, and hands on what must wait. */
    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING;
    }

    @Override
    public void run() {
        while (true) {
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                request.demand(this);
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                done.refused(new ApiError(400, "the body could not be read: " + chunk.getFailure().getMessage()));
                return;
            }
            boolean last = chunk.isLast();
            ByteBuffer bytes = chunk.getByteBuffer();
            int n = bytes.remaining();
            if (length + (long) n > limit) {
                chunk.release();
                done.refused(tooLarge());
                return;
            }
            if (length + n > body.length) {
                body = Arrays.copyOf(body, (int) Math.min(Math.max(2L * body.length, length + n), limit));
            }
            bytes.get(body, length, n);
            length += n;
            chunk.release();
            if (last) {
                done.body(length == body.length ? body : Arrays.copyOf(body, length));
                return;
            }
            // Only while more is owed: a body whose last bytes came is taken, however late they came.
            if (System.nanoTime() - deadlineNanos > 0) {
                done.refused(new ApiError(408, "the request was still arriving " + deadline.toMillis()
                        + " ms after it began (--request-deadline)", true));
                return;
            }
        }
    }

    /**
     * Answers a refusal made before the body was read, first reading what is left of a small one: over HTTP/2 a
     * body left unread makes Jetty reset the stream as it answers, and a client may then report the reset instead
     * of the answer. A larger body, or one of unknown length, is left unread (and the stream reset).
     */
    static boolean refuse(Request request, Response response, Callback callback, ApiError refusal, Duration deadline) {
        long declared = request.getLength();
        if (declared <= 0 || declared > DRAIN_LIMIT) {
            return JsonErrors.answer(response, callback, refusal);
        }
        read(request, DRAIN_LIMIT, "drained", deadline, new Done() {
            @Override
            public void body(byte[] ignored) {
                JsonErrors.answer(response, callback, refusal);
            }

            @Override
            public void refused(ApiError ignored) {
                JsonErrors.answer(response, callback, refusal);
            }
        });
        return true;
    }

    private ApiError tooLarge() {
        return new ApiError(413, "the body exceeds the limit of " + limit + " bytes (" + limitName + ")", true);
    }
}
