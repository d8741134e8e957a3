package dev.es.server.hub;

import dev.es.common.MergedStreamId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The last events of a channel, as the ids and encoded frames subscribers received, oldest first, at most
 * {@code capacity} of them and {@code maxBytes} of frames. It grows as events come, so a quiet channel costs
 * little. Not thread-safe: its channel guards it.
 */
final class History {

    /**
     * An event: its id, the digest a stream of several channels carries for a long id (else null), its frame,
     * when it was stored, and its channel's name, by which the hub's {@link HistoryBudget} finds it again.
     */
    static final class Entry {
        private final String id;
        private final String digest;
        private final Frame frame;
        private final long storedAtMillis;
        private final String channel;
        /** Set once it is no longer retained: the budget's queue then skips it. */
        private volatile boolean dropped;

        Entry(String id, Frame frame, long storedAtMillis, String channel) {
            this.id = id;
            this.digest = MergedStreamId.digestOf(id);
            this.frame = frame;
            this.storedAtMillis = storedAtMillis;
            this.channel = channel;
        }

        Frame frame() {
            return frame;
        }

        String channel() {
            return channel;
        }

        boolean dropped() {
            return dropped;
        }

        void drop() {
            dropped = true;
        }

        boolean isAt(String position) {
            return position.equals(id) || position.equals(digest);
        }
    }

    private final int capacity;
    private final long maxBytes;
    private final String channel;
    private final HistoryBudget budget;
    private final HistoryStore store;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private long bytes;
    /** The newest event no longer retained, its id, digest and place: one that saw it missed exactly what is retained. */
    private String evictedId;
    private String evictedDigest;
    private long evictedPlace = -1;

    /**
     * @param capacity events kept at most
     * @param maxBytes bytes of frames kept at most: the oldest go first past it, the newest always stays
     * @param channel the name of the channel it belongs to
     * @param budget what every channel's history holds together, told of each event kept and let go
     * @param store where the history is kept beyond memory, told of each event let go
     */
    History(int capacity, long maxBytes, String channel, HistoryBudget budget, HistoryStore store) {
        this.capacity = capacity;
        this.maxBytes = maxBytes;
        this.channel = channel;
        this.budget = budget;
        this.store = store;
    }

    /** Whether events are kept at all ({@code --history 0}: none). */
    boolean keeps() {
        return capacity > 0;
    }

    void add(String id, Frame frame, long nowMillis) {
        if (capacity == 0) {
            return;
        }
        Entry entry = new Entry(id, frame, nowMillis, channel);
        entries.addLast(entry);
        bytes += frame.bytes().length;
        budget.stored(entry);
        trimToBounds();
    }

    /**
     * Reads back, into a history that holds none yet, the events the store kept before a restart, no more than the
     * bounds and the TTL's cutoff keep: the budget queues them ahead of every event stored since (they are older).
     *
     * @return the events read, oldest first (some perhaps let go at once, as past the bounds)
     * @throws HistoryUnavailableException when they could not be read
     */
    List<HistoryStore.KeptEvent> readKept(long notBeforeMillis) {
        List<HistoryStore.KeptEvent> kept = store.read(channel, capacity, maxBytes, notBeforeMillis);
        List<Entry> added = new ArrayList<>(kept.size());
        for (HistoryStore.KeptEvent event : kept) {
            Entry entry = new Entry(event.id(), new Frame(event.place(), event.frame()), event.storedAtMillis(), channel);
            entries.addLast(entry);
            bytes += event.frame().length;
            added.add(entry);
        }
        budget.storedEarlier(added);
        trimToBounds();
        dropStoredBefore(notBeforeMillis);
        return kept;
    }

    /** Drops the oldest events past the bounds: the newest always stays. */
    private void trimToBounds() {
        while (entries.size() > capacity || (bytes > maxBytes && entries.size() > 1)) {
            dropOldest();
        }
    }

    /**
     * Drops the given event if it is the oldest retained, as the hub's budget asks.
     *
     * @return the bytes it freed, as the budget counts them, or 0 when it was not the oldest
     */
    long dropIfOldest(Entry entry) {
        if (entries.peekFirst() != entry) {
            return 0;
        }
        dropOldest();
        return HistoryBudget.cost(entry);
    }

    /** Drops the events stored before the given time. */
    void dropStoredBefore(long cutoffMillis) {
        while (!entries.isEmpty() && entries.peekFirst().storedAtMillis < cutoffMillis) {
            dropOldest();
        }
    }

    /**
     * Drops every event from memory, as its channel is closed or the server stops.
     *
     * @param fromStore whether the store forgets them too (a close), or keeps them for the next start (a stop)
     */
    void clear(boolean fromStore) {
        long newest = entries.isEmpty() ? -1 : entries.peekLast().frame.seq();
        while (!entries.isEmpty()) {
            release(entries.pollFirst());
        }
        if (fromStore && newest >= 0) {
            store.forgetClosed(channel, newest);
        }
    }

    private void dropOldest() {
        Entry oldest = entries.pollFirst();
        release(oldest);
        store.forget(channel, oldest.frame.seq());
    }

    private void release(Entry oldest) {
        bytes -= oldest.frame.bytes().length;
        evictedId = oldest.id;
        evictedDigest = oldest.digest;
        evictedPlace = oldest.frame.seq();
        budget.released(oldest);
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    int size() {
        return entries.size();
    }

    /**
     * The id of the newest event retained, else of the newest evicted, else empty (no event yet, which
     * {@link #after} reads as all): where a joiner starts.
     */
    String newestId() {
        if (!entries.isEmpty()) {
            return entries.peekLast().id;
        }
        return evictedId != null ? evictedId : "";
    }

    /** What a resume after an id replays, and how exactly ({@link #after}). */
    record Replay(List<Frame> frames, Resume resume) {}

    /**
     * The frames of the events that came after the given id (or its digest, as a stream of several channels
     * writes a long id: {@link MergedStreamId#digestOf}), oldest first, and whether they are exactly what its
     * holder missed: those after the newest retained event with this id (exact); else, for the id evicted last,
     * all of them (exact); else, for a numeric id (the hub's ids are numbers that only grow and are never
     * reused), those with a larger numeric id — which is how a client whose channel was closed and created again,
     * or whose id is older than the history, gets what is retained, with a gap. An empty id, from a subscriber
     * that joined before the channel's first event, replays all that is retained (exact unless some was let go);
     * a place (a stream of several channels) all after it. Any other id replays nothing rather than a guess.
     */
    Replay after(String id) {
        if (id.isEmpty()) {
            return new Replay(entries.stream().map(Entry::frame).toList(), new Resume(evictedId == null, evictedId));
        }
        long place = MergedStreamId.place(id);
        if (place != MergedStreamId.NO_PLACE) {
            return new Replay(entries.stream().map(Entry::frame).filter(frame -> frame.seq() > place).toList(),
                    new Resume(evictedPlace <= place, evictedPlace <= place ? null : evictedId));
        }
        List<Frame> newerFirst = new ArrayList<>();
        for (Iterator<Entry> back = entries.descendingIterator(); back.hasNext(); ) {
            Entry entry = back.next();
            if (entry.isAt(id)) {
                return new Replay(newerFirst.reversed(), new Resume(true, entry.id));
            }
            newerFirst.add(entry.frame());
        }
        if (id.equals(evictedId) || id.equals(evictedDigest)) {
            return new Replay(newerFirst.reversed(), new Resume(true, evictedId));
        }
        return numericallyAfter(id);
    }

    /** The events with a larger numeric id than the given one, which this history does not hold: a gap. */
    private Replay numericallyAfter(String id) {
        Long after = asLong(id);
        List<Frame> later = new ArrayList<>();
        // Replay starts after the event before the first it takes; with none taken, after the newest.
        String before = evictedId;
        String startsAfter = null;
        for (Entry entry : entries) {
            Long entryId = asLong(entry.id);
            if (after != null && entryId != null && entryId > after) {
                if (later.isEmpty()) {
                    startsAfter = before;
                }
                later.add(entry.frame());
            }
            before = entry.id;
        }
        return new Replay(later, new Resume(false, later.isEmpty() ? before : startsAfter));
    }

    private static Long asLong(String id) {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException notNumeric) {
            return null;
        }
    }
}
