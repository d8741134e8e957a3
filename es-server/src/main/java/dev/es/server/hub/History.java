package dev.es.server.hub;

import java.util.ArrayList;
import java.util.List;

/**
 * The last events of a channel, as the ids and encoded frames subscribers received, in a ring of fixed
 * size. Not thread-safe: its channel guards it.
 */
final class History {

    private final String[] ids;
    private final byte[][] frames;
    private int next;
    private int size;

    History(int capacity) {
        ids = new String[capacity];
        frames = new byte[capacity][];
    }

    void add(String id, byte[] frame) {
        if (ids.length == 0) {
            return;
        }
        ids[next] = id;
        frames[next] = frame;
        next = (next + 1) % ids.length;
        size = Math.min(size + 1, ids.length);
    }

    boolean isEmpty() {
        return size == 0;
    }

    /**
     * The frames after the newest retained event with this id, oldest first. Empty when the id is the newest
     * or is not retained: an unknown id (from another server's life, or older than the history) replays nothing
     * rather than a guess.
     */
    List<byte[]> after(String id) {
        for (int back = 1; back <= size; back++) {
            int at = Math.floorMod(next - back, ids.length);
            if (ids[at].equals(id)) {
                List<byte[]> missed = new ArrayList<>(back - 1);
                for (int fwd = back - 1; fwd >= 1; fwd--) {
                    missed.add(frames[Math.floorMod(next - fwd, ids.length)]);
                }
                return missed;
            }
        }
        return List.of();
    }
}
