package dev.es.server.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads a history log from its start, record by record, checking each against its CRC, and says where the intact
 * records end. A bad record with no intact record anywhere after it is a write cut short (the machine stopped
 * mid-write): the log ends before it. A bad record with an intact one after it is damage, and the log is refused
 * rather than read past it or cut.
 */
final class LogScanner {

    /** What a scan finds, record by record, in the order written. */
    interface Visitor {
        void event(String channel, long place, String id, long storedAtMillis, long offset, int length);

        void forget(String channel, long throughPlace);

        void mark(long placesBelow);

        /** The log ends before a write cut short, and this many bytes of it are dropped. */
        void cutShort(long droppedBytes);
    }

    /** No record is larger: a frame is bounded by --max-event-bytes, far below it. */
    private static final int MAX_BODY_BYTES = 1 << 30;
    /** The smallest body: a kind and a place. */
    private static final int MIN_BODY_BYTES = 9;
    /** How much of the file a search for intact records past a bad one reads at a time. */
    private static final int WINDOW_BYTES = 1 << 20;
    /**
     * The largest record such a search reads and checks: garbage is full of lengths that fit the file, and each
     * would be read whole (a larger event after damage, with nothing intact after it, is taken for a torn end).
     */
    private static final int MAX_SEARCHED_BYTES = 16 << 20;

    private final Path file;
    private final FileChannel in;
    private final Visitor visitor;
    private final long size;
    private ByteBuffer buffer = ByteBuffer.allocate(1 << 20).limit(0);
    /** The file offset of the buffer's first byte. */
    private long base;

    private LogScanner(Path file, FileChannel in, Visitor visitor) throws IOException {
        this.file = file;
        this.in = in;
        this.visitor = visitor;
        this.size = in.size();
    }

    /**
     * Reads the whole log, telling the visitor each intact record.
     *
     * @return the offset just past the last intact record, where the next write goes
     * @throws DataDirectoryException when the file is not es's history log, of another format, or damaged
     */
    static long scan(Path file, Visitor visitor) throws IOException {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            return new LogScanner(file, in, visitor).scan();
        }
    }

    private long scan() throws IOException {
        if (!available(LogRecords.HEADER_BYTES) || buffer.getInt() != LogRecords.MAGIC) {
            throw new DataDirectoryException(file + " is not es's history log", null);
        }
        int format = buffer.getInt();
        if (format != LogRecords.FORMAT) {
            throw new DataDirectoryException(file + " is history of format " + format + ", which this es does not know"
                    + " (it knows " + LogRecords.FORMAT + "): a newer es wrote it", null);
        }
        while (true) {
            long offset = base + buffer.position();
            if (offset == size) {
                return offset;
            }
            if (!available(LogRecords.FRAMING_BYTES)) {
                return cutShort(offset);
            }
            int length = buffer.getInt();
            int crc = buffer.getInt();
            if (length < MIN_BODY_BYTES || length > MAX_BODY_BYTES || !available(length)) {
                return cutShort(offset);
            }
            ByteBuffer body = buffer.slice(buffer.position(), length);
            buffer.position(buffer.position() + length);
            if (!LogRecords.intact(body, crc)) {
                return cutShort(offset);
            }
            int recordLength = LogRecords.FRAMING_BYTES + length;
            try {
                switch (body.get()) {
                    case LogRecords.EVENT -> {
                        long place = body.getLong();
                        long storedAt = body.getLong();
                        String channel = LogRecords.string(body);
                        visitor.event(channel, place, LogRecords.string(body), storedAt, offset, recordLength);
                    }
                    case LogRecords.FORGET -> {
                        long through = body.getLong();
                        visitor.forget(LogRecords.string(body), through);
                    }
                    case LogRecords.MARK -> visitor.mark(body.getLong());
                    default -> throw new IllegalArgumentException("a record of an unknown kind");
                }
            } catch (RuntimeException e) {
                // Its CRC held: written so by some other program, or a newer es.
                throw damaged(offset);
            }
        }
    }

    /**
     * Where a bad record starts, when it is the log's end: no intact record follows it anywhere (a write cut short,
     * in blocks written ahead or not). An intact record after it means damage, whatever the bad one's length says.
     */
    private long cutShort(long offset) throws IOException {
        if (intactRecordFrom(offset + 1)) {
            throw damaged(offset);
        }
        long written = lastNonZero(offset) + 1 - offset;
        if (written > 0) {
            visitor.cutShort(written);
        }
        return offset;
    }

    /** The offset of the file's last byte that is not zero, from this one on (zeros written ahead are no data). */
    private long lastNonZero(long from) throws IOException {
        ByteBuffer window = ByteBuffer.allocate(WINDOW_BYTES);
        long last = from - 1;
        for (long base = from; base < size; base += window.limit()) {
            fill(window.clear(), base);
            for (int i = window.limit() - 1; i >= 0; i--) {
                if (window.get(i) != 0) {
                    last = Math.max(last, base + i);
                    break;
                }
            }
        }
        return last;
    }

    /** Whether an intact record starts at any byte from this offset on, read a window at a time. */
    private boolean intactRecordFrom(long from) throws IOException {
        ByteBuffer window = ByteBuffer.allocate(WINDOW_BYTES);
        long base = from;
        while (base + LogRecords.FRAMING_BYTES < size) {
            fill(window.clear(), base);
            int at = 0;
            for (; at + LogRecords.FRAMING_BYTES <= window.limit(); at++) {
                int length = window.getInt(at);
                long end = base + at + LogRecords.FRAMING_BYTES + length;
                if (length < MIN_BODY_BYTES || length > MAX_BODY_BYTES || end > size) {
                    continue;
                }
                if (at + LogRecords.FRAMING_BYTES + length > window.limit()) {
                    if (at > 0) {
                        break;
                    }
                    if (length > MAX_SEARCHED_BYTES) {
                        continue;
                    }
                    // Larger than the window: read alone.
                    ByteBuffer record = ByteBuffer.allocate(LogRecords.FRAMING_BYTES + length);
                    fill(record, base);
                    if (LogRecords.intact(record.slice(LogRecords.FRAMING_BYTES, length), record.getInt(4))) {
                        return true;
                    }
                    continue;
                }
                if (LogRecords.intact(window.slice(at + LogRecords.FRAMING_BYTES, length), window.getInt(at + 4))) {
                    return true;
                }
            }
            base += Math.max(at, 1);
        }
        return false;
    }

    /** Reads from this offset until the buffer is full or the file ends, and flips it. */
    private void fill(ByteBuffer buffer, long at) throws IOException {
        while (buffer.hasRemaining() && in.read(buffer, at + buffer.position()) > 0) {
            // Read on: a positional read may return less than asked.
        }
        buffer.flip();
    }

    private DataDirectoryException damaged(long offset) {
        return new DataDirectoryException(file + " cannot be used as es's history: it is damaged at byte " + offset
                + " (a record there fails its check)", null);
    }

    /** Whether this many bytes past the buffer's position are in the file, reading them into the buffer if so. */
    private boolean available(int bytes) throws IOException {
        if (buffer.remaining() >= bytes) {
            return true;
        }
        if (base + buffer.position() + bytes > size) {
            return false;
        }
        base += buffer.position();
        buffer.compact();
        if (buffer.capacity() < bytes) {
            buffer = ByteBuffer.allocate(bytes).put(buffer.flip());
        }
        while (buffer.position() < bytes) {
            if (in.read(buffer, base + buffer.position()) < 0) {
                throw new IOException("the file ended while read");
            }
        }
        buffer.flip();
        return true;
    }
}
