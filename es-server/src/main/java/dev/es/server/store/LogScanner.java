package dev.es.server.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads a history log from its start, record by record, checking each against its CRC, and says where the intact
 * records end. A bad record with nothing but zeros after it is a write cut short (the machine stopped mid-write):
 * the log ends before it. A bad record with more after it is damage, and the log is refused rather than read past
 * it.
 */
final class LogScanner {

    /** What a scan finds, record by record, in the order written. */
    interface Visitor {
        void event(String channel, long place, String id, long storedAtMillis, long offset, int length);

        void forget(String channel, long throughPlace);

        void mark(long placesBelow);
    }

    /** No record is larger: a frame is bounded by --max-event-bytes, far below it. */
    private static final int MAX_BODY_BYTES = 1 << 30;
    /** How much of a record a write cut short may lack; a garbled length says more, which is damage. */
    private static final long MAX_CUT_BYTES = 16 << 20;

    private final Path file;
    private final FileChannel in;
    private final long size;
    private ByteBuffer buffer = ByteBuffer.allocate(1 << 20).limit(0);
    /** The file offset of the buffer's first byte. */
    private long base;

    private LogScanner(Path file, FileChannel in) throws IOException {
        this.file = file;
        this.in = in;
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
            return new LogScanner(file, in).scan(visitor);
        }
    }

    private long scan(Visitor visitor) throws IOException {
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
            if (length < 9 || length > MAX_BODY_BYTES || !available(length)) {
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
     * Where a bad record starts: the log's end when nothing but zeros follows where the record says it ends, or
     * the file ends inside it (not far short of that: a garbled length says far more) — a write cut short, in
     * blocks written ahead or not; else damage.
     */
    private long cutShort(long offset) throws IOException {
        ByteBuffer framing = ByteBuffer.allocate(4);
        if (in.read(framing, offset) < 4) {
            return offset;
        }
        long claimedEnd = offset + LogRecords.FRAMING_BYTES + Integer.toUnsignedLong(framing.flip().getInt());
        if (claimedEnd >= size) {
            if (claimedEnd - size < MAX_CUT_BYTES) {
                return offset;
            }
            throw damaged(offset);
        }
        ByteBuffer rest = ByteBuffer.allocate(1 << 16);
        for (long at = claimedEnd; at < size; ) {
            int read = in.read(rest.clear(), at);
            if (read <= 0) {
                break;
            }
            at += read;
            rest.flip();
            while (rest.hasRemaining()) {
                if (rest.get() != 0) {
                    throw damaged(offset);
                }
            }
        }
        return offset;
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
