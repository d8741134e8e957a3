package dev.es.common;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * An incremental parser for the event stream format, following the WHATWG HTML standard §9.2.6
 * ("Interpreting an event stream") step by step. It knows nothing of HTTP: feed it bytes as they arrive,
 * in chunks of any size, and it calls the listener for each complete event.
 *
 * <p>Not thread-safe: one parser per stream, fed by one thread.
 */
public final class SseParser {

    /** Receives what the stream carries. */
    public interface Listener {
        /**
         * A dispatched event.
         *
         * @param lastEventId the stream's last event id after this event (kept from earlier events when this
         *     one has none), "" when none was ever set
         * @param type the event type, {@code message} by default
         * @param data the data lines joined with LF
         */
        void onEvent(String lastEventId, String type, String data);

        /** A {@code retry} field with a valid value: the reconnection time to use from now on. */
        default void onRetry(long millis) {}

        /** A comment line, without its leading colon. */
        default void onComment(String text) {}

        /** A field the standard does not know, which EventSource ignores ({@link Protocol#EVENT_ID_FIELD}). */
        default void onOtherField(String name, String value) {}
    }

    /** Thrown when one event grows past the parser's limit before it is dispatched. */
    public static final class EventTooLargeException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        EventTooLargeException(long limit) {
            super("an event exceeded " + limit + " bytes");
        }
    }

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final char BOM = '\uFEFF';

    private final Listener listener;
    private final long maxEventBytes;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final StringBuilder data = new StringBuilder();
    private String eventType = "";
    private String lastEventIdBuffer = "";
    private String lastEventId = "";
    private long pendingBytes;
    private boolean afterCr;
    private boolean firstLine = true;

    /** A parser with no limit on the size of an event. */
    public SseParser(Listener listener) {
        this(listener, Long.MAX_VALUE);
    }

    /** A parser that throws {@link EventTooLargeException} once an undispatched event exceeds the limit. */
    public SseParser(Listener listener, long maxEventBytes) {
        this.listener = listener;
        this.maxEventBytes = maxEventBytes;
    }

    /** Consumes the bytes, dispatching every event they complete; an incomplete line is kept for the next call. */
    public void feed(byte[] bytes, int offset, int length) {
        int end = offset + length;
        int start = offset;
        for (int i = offset; i < end; i++) {
            byte b = bytes[i];
            if (b != CR && b != LF) {
                continue;
            }
            // A CRLF pair is one line end, even when the chunk boundary falls between CR and LF.
            boolean secondHalfOfCrLf = b == LF && afterCr && i == start && line.size() == 0;
            afterCr = b == CR;
            if (secondHalfOfCrLf) {
                start = i + 1;
                continue;
            }
            append(bytes, start, i - start);
            endLine();
            start = i + 1;
        }
        if (start < end) {
            afterCr = false;
            append(bytes, start, end - start);
        }
    }

    /** Consumes all of the bytes. */
    public void feed(byte[] bytes) {
        feed(bytes, 0, bytes.length);
    }

    private void append(byte[] bytes, int offset, int length) {
        pendingBytes += length;
        if (pendingBytes > maxEventBytes) {
            throw new EventTooLargeException(maxEventBytes);
        }
        line.write(bytes, offset, length);
    }

    private void endLine() {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (firstLine) {
            firstLine = false;
            if (!text.isEmpty() && text.charAt(0) == BOM) {
                text = text.substring(1);
            }
        }
        processLine(text);
    }

    private void processLine(String text) {
        if (text.isEmpty()) {
            dispatch();
            return;
        }
        if (text.charAt(0) == ':') {
            listener.onComment(text.substring(1));
            return;
        }
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        String value = "";
        if (colon >= 0) {
            int valueStart = colon + 1;
            if (valueStart < text.length() && text.charAt(valueStart) == ' ') {
                valueStart++;
            }
            value = text.substring(valueStart);
        }
        processField(field, value);
    }

    private void processField(String field, String value) {
        switch (field) {
            case "event" -> eventType = value;
            case "data" -> data.append(value).append('\n');
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    lastEventIdBuffer = value;
                }
            }
            case "retry" -> {
                if (!value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    try {
                        listener.onRetry(Long.parseLong(value));
                    } catch (NumberFormatException tooLong) {
                        // Digits only but beyond a long: no client could wait that long, so the field is ignored.
                    }
                }
            }
            // Unknown fields are ignored, as the standard says; a listener may read them.
            default -> listener.onOtherField(field, value);
        }
    }

    /**
     * The stream's last event id: set by each blank line from the id buffer, even for an event with no data
     * (which is never dispatched), so a reconnecting client resumes after it.
     */
    public String lastEventId() {
        return lastEventId;
    }

    private void dispatch() {
        pendingBytes = 0;
        lastEventId = lastEventIdBuffer;
        if (data.isEmpty()) {
            eventType = "";
            return;
        }
        data.setLength(data.length() - 1);
        String type = eventType.isEmpty() ? "message" : eventType;
        String payload = data.toString();
        data.setLength(0);
        eventType = "";
        listener.onEvent(lastEventId, type, payload);
    }
}
