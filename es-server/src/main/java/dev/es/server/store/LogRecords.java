package dev.es.server.store;

import dev.es.server.hub.HistoryStore;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * The history log's layout: a header (magic, format), then records, each its body's length, the body's CRC-32
 * and the body. A body is a kind and its fields: an event (place, time stored, channel, id, frame), a forget (a
 * channel's place through which its events are gone) or a mark (a place every place given is below, which a
 * compacted log starts with). Records are made here into one growing buffer, written in one call.
 */
final class LogRecords {

    /** "esHL": the file is es's history log, whatever its name. */
    static final int MAGIC = 0x6573484C;
    /** The layout this code reads and writes; a log of another is refused rather than guessed at. */
    static final int FORMAT = 1;
    static final int HEADER_BYTES = 8;
    /** A record's length and CRC, before its body. */
    static final int FRAMING_BYTES = 8;

    static final byte EVENT = 1;
    static final byte FORGET = 2;
    static final byte MARK = 3;

    private byte[] bytes = new byte[8192];
    private int size;

    /** The log's first bytes. */
    static byte[] header() {
        return ByteBuffer.allocate(HEADER_BYTES).putInt(MAGIC).putInt(FORMAT).array();
    }

    /** Adds an event's record, returning where in this buffer it starts (its length is then {@code size() - start}). */
    int event(String channel, long place, String id, byte[] frame, long storedAtMillis) {
        byte[] name = channel.getBytes(StandardCharsets.UTF_8);
        byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
        int start = begin(1 + 8 + 8 + 4 + name.length + 4 + idBytes.length + frame.length);
        ByteBuffer body = body(start);
        body.put(EVENT).putLong(place).putLong(storedAtMillis).putInt(name.length).put(name).putInt(idBytes.length)
                .put(idBytes).put(frame);
        end(start);
        return start;
    }

    /** Adds a forget's record. */
    void forget(String channel, long throughPlace) {
        byte[] name = channel.getBytes(StandardCharsets.UTF_8);
        int start = begin(1 + 8 + 4 + name.length);
        body(start).put(FORGET).putLong(throughPlace).putInt(name.length).put(name);
        end(start);
    }

    /** Adds a mark: every place given so far is below this one. */
    void mark(long placesBelow) {
        int start = begin(1 + 8);
        body(start).put(MARK).putLong(placesBelow);
        end(start);
    }

    private int begin(int bodyLength) {
        int start = size;
        int total = FRAMING_BYTES + bodyLength;
        if (size + total > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + total));
        }
        ByteBuffer.wrap(bytes, start, 4).putInt(bodyLength);
        size += total;
        return start;
    }

    private ByteBuffer body(int start) {
        return ByteBuffer.wrap(bytes, start + FRAMING_BYTES, size - start - FRAMING_BYTES);
    }

    private void end(int start) {
        CRC32 crc = new CRC32();
        crc.update(bytes, start + FRAMING_BYTES, size - start - FRAMING_BYTES);
        ByteBuffer.wrap(bytes, start + 4, 4).putInt((int) crc.getValue());
    }

    byte[] bytes() {
        return bytes;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Takes back what was added from this point on (a record that could not be written). */
    void truncate(int newSize) {
        size = newSize;
    }

    /** Forgets what was added, keeping the buffer (unless a large record grew it past its usual size). */
    void clear() {
        size = 0;
        if (bytes.length > 1 << 20) {
            bytes = new byte[8192];
        }
    }

    /** Whether a record's body, as read back, is the one written. */
    static boolean intact(ByteBuffer body, int crc) {
        CRC32 check = new CRC32();
        check.update(body.duplicate());
        return (int) check.getValue() == crc;
    }

    /** An event's record, read at its offset and checked. */
    static HistoryStore.KeptEvent readEvent(RandomAccessFile reader, long offset, int length) throws IOException {
        byte[] record = new byte[length];
        reader.seek(offset);
        reader.readFully(record);
        ByteBuffer body = ByteBuffer.wrap(record, FRAMING_BYTES, length - FRAMING_BYTES).slice();
        if (!intact(body, ByteBuffer.wrap(record).getInt(4)) || body.get() != EVENT) {
            throw new IOException("the record at byte " + offset + " is not the event it was");
        }
        long place = body.getLong();
        long storedAt = body.getLong();
        string(body);
        String id = string(body);
        byte[] frame = new byte[body.remaining()];
        body.get(frame);
        return new HistoryStore.KeptEvent(place, id, frame, storedAt);
    }

    /** Reads a length-prefixed UTF-8 string of a body. */
    static String string(ByteBuffer body) {
        int length = body.getInt();
        if (length < 0 || length > body.remaining()) {
            throw new IllegalArgumentException("a string of " + length + " bytes where " + body.remaining() + " remain");
        }
        String text = new String(body.array(), body.arrayOffset() + body.position(), length, StandardCharsets.UTF_8);
        body.position(body.position() + length);
        return text;
    }
}
