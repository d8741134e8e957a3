package dev.es.server.store;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Copies records of one log file to the end of another, as a compaction does. */
final class RecordCopier {

    private RecordCopier() {}

    /**
     * Copies the kept records, in the order they lie in the log, and says where each went.
     *
     * @param offsets for each channel, the offsets of its kept records, in increasing order
     * @param lengths for each channel, the lengths of those records
     * @param stopping says when to give up (the store is closing: its stop need not wait for a whole copy)
     * @return for each channel, the new offset of each of its records, beside the old ones
     * @throws IOException when a file cannot be read or written, or the copy was given up
     */
    static Map<String, long[]> copyKept(Map<String, long[]> offsets, Map<String, int[]> lengths,
            RandomAccessFile source, RandomAccessFile target, BooleanSupplier stopping) throws IOException {
        record Kept(String channel, int index, long offset, int length) {}
        List<Kept> all = new ArrayList<>();
        offsets.forEach((name, at) -> {
            int[] length = lengths.get(name);
            for (int i = 0; i < at.length; i++) {
                all.add(new Kept(name, i, at[i], length[i]));
            }
        });
        all.sort(Comparator.comparingLong(Kept::offset));
        Map<String, long[]> moved = new HashMap<>();
        offsets.forEach((name, at) -> moved.put(name, new long[at.length]));
        for (Kept record : all) {
            if (stopping.getAsBoolean()) {
                throw new IOException("given up: the store is closing");
            }
            moved.get(record.channel())[record.index()] = target.getFilePointer();
            copy(source, record.offset(), record.length(), target);
        }
        return moved;
    }

    /** Copies bytes of one file to the end of another, returning how many. */
    static long copy(RandomAccessFile source, long from, long length, RandomAccessFile target) throws IOException {
        byte[] buffer = new byte[(int) Math.min(length, 1 << 20)];
        source.seek(from);
        for (long left = length; left > 0; ) {
            int chunk = (int) Math.min(left, buffer.length);
            source.readFully(buffer, 0, chunk);
            target.write(buffer, 0, chunk);
            left -= chunk;
        }
        return length;
    }
}
