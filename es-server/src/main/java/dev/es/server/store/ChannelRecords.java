package dev.es.server.store;

import java.util.Arrays;
import java.util.function.LongUnaryOperator;

/**
 * Where one channel's kept events lie in the history log, oldest first: each record's place, offset and length.
 * A forget lets go of the oldest; a compaction moves them. About 20 bytes an event, so that a channel's events are
 * read from the log when first asked for and never held in memory before.
 */
final class ChannelRecords {

    private long[] places = new long[4];
    private long[] offsets = new long[4];
    private int[] lengths = new int[4];
    private int first;
    private int end;
    /** The newest event's id and time stored, as a restart tells the hub (set by the log's replay). */
    String newestId;
    long newestStoredAtMillis;

    void add(long place, long offset, int length) {
        if (end == places.length) {
            int count = end - first;
            int capacity = Math.max(4, count * 2);
            places = Arrays.copyOfRange(places, first, first + capacity);
            offsets = Arrays.copyOfRange(offsets, first, first + capacity);
            lengths = Arrays.copyOfRange(lengths, first, first + capacity);
            first = 0;
            end = count;
        }
        places[end] = place;
        offsets[end] = offset;
        lengths[end] = length;
        end++;
    }

    /** Lets go of the records through this place, returning how many bytes of the log they held. */
    long forgetThrough(long place) {
        long freed = 0;
        while (first < end && places[first] <= place) {
            freed += lengths[first];
            first++;
        }
        return freed;
    }

    /** Takes back the newest record (its write failed), returning its length. */
    int dropNewest() {
        return lengths[--end];
    }

    int size() {
        return end - first;
    }

    /** The kept records' offsets, oldest first: a copy. */
    long[] offsets() {
        return Arrays.copyOfRange(offsets, first, end);
    }

    /** The kept records' lengths, oldest first: a copy. */
    int[] lengths() {
        return Arrays.copyOfRange(lengths, first, end);
    }

    long newestPlace() {
        return places[end - 1];
    }

    /** Moves every record to where a compaction put it. */
    void move(LongUnaryOperator newOffset) {
        for (int i = first; i < end; i++) {
            offsets[i] = newOffset.applyAsLong(offsets[i]);
        }
    }
}
