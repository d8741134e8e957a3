package dev.es.server.hub;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The last events of a channel, as the ids and encoded frames subscribers received, oldest first, at most
 * {@code capacity} of them. It grows as events come, so a quiet channel costs little. Not thread-safe: its
 * channel guards it.
 */
final class History {

    private record Entry(String id, byte[] frame) {}

    private final int capacity;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    /** The id of the newest event no longer retained: a subscriber that saw it missed exactly what is retained. */
    private String evictedId;

    History(int capacity) {
        this.capacity = capacity;
    }

    void add(String id, byte[] frame) {
        if (capacity == 0) {
            return;
        }
        if (entries.size() == capacity) {
            evictedId = entries.pollFirst().id();
        }
        entries.addLast(new Entry(id, frame));
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    /**
     * The frames after the newest retained event with this id, oldest first; all of them when the id is that
     * of the event evicted last. Empty when the id is the newest or is unknown: an id older than the history,
     * or from before a restart, replays nothing rather than a guess.
     */
    List<byte[]> after(String id) {
        List<byte[]> newerFirst = new ArrayList<>();
        for (Iterator<Entry> back = entries.descendingIterator(); back.hasNext(); ) {
            Entry entry = back.next();
            if (entry.id().equals(id)) {
                return newerFirst.reversed();
            }
            newerFirst.add(entry.frame());
        }
        return id.equals(evictedId) ? newerFirst.reversed() : List.of();
    }
}
