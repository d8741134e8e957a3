package dev.es.common;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.UnaryOperator;

/** Encodes events and control lines to the bytes of the event stream format (WHATWG HTML §9.2.5). */
public final class SseFrames {

    private static final byte[] ID = "id: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OWN_ID = ("\n" + Protocol.EVENT_ID_FIELD + ": ").getBytes(StandardCharsets.US_ASCII);

    private SseFrames() {}

    /**
     * The frame of one event: {@code id}, {@code event}, {@code retry} when present, one {@code data} line per
     * line of data (split on LF, CR and CRLF, as the parser will join them again with LF), then a blank line.
     */
    public static byte[] encode(Event e) {
        StringBuilder frame = new StringBuilder(e.data().length() + 32);
        if (e.id() != null) {
            frame.append("id: ").append(e.id()).append('\n');
        }
        if (e.event() != null) {
            frame.append("event: ").append(e.event()).append('\n');
        }
        if (e.retry() != null) {
            frame.append("retry: ").append(e.retry()).append('\n');
        }
        String data = e.data();
        int start = 0;
        for (int i = 0; i < data.length(); i++) {
            char c = data.charAt(i);
            if (c == '\n' || c == '\r') {
                frame.append("data: ").append(data, start, i).append('\n');
                if (c == '\r' && i + 1 < data.length() && data.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        frame.append("data: ").append(data, start, data.length()).append("\n\n");
        return frame.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Copies frames as {@link #encode}, {@link #comment} and {@link #retry} write them, one after another, to
     * {@code out}, each event's id replaced by what {@code newId} makes of it (called once per id, in order) and
     * kept, as it was, in a {@link Protocol#EVENT_ID_FIELD} field after it.
     */
    public static void replaceIds(byte[] frames, UnaryOperator<String> newId, ByteArrayOutputStream out) {
        int start = 0;
        while (start < frames.length) {
            int end = frameEnd(frames, start);
            if (Arrays.equals(frames, start, Math.min(start + ID.length, end), ID, 0, ID.length)) {
                // encode writes the id first, on a line of its own.
                int lineEnd = start + ID.length;
                while (frames[lineEnd] != '\n') {
                    lineEnd++;
                }
                String id = new String(frames, start + ID.length, lineEnd - start - ID.length, StandardCharsets.UTF_8);
                out.writeBytes(ID);
                out.writeBytes(newId.apply(id).getBytes(StandardCharsets.UTF_8));
                out.writeBytes(OWN_ID);
                out.write(frames, start + ID.length, end - start - ID.length);
            } else {
                out.write(frames, start, end - start);
            }
            start = end;
        }
    }

    /** Where the frame starting at {@code start} ends, its blank line included. */
    private static int frameEnd(byte[] frames, int start) {
        for (int i = start; i + 1 < frames.length; i++) {
            if (frames[i] == '\n' && frames[i + 1] == '\n') {
                return i + 2;
            }
        }
        return frames.length;
    }

    /** A comment line, which clients ignore; keeps idle connections and the proxies on their way open. */
    public static byte[] comment(String text) {
        return (":" + (text.isEmpty() ? "" : " " + text) + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    /** A reconnection-time hint on its own. */
    public static byte[] retry(long millis) {
        return ("retry: " + millis + "\n\n").getBytes(StandardCharsets.UTF_8);
    }
}
