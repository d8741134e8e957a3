package dev.es.server.hub;

import java.util.List;
import java.util.concurrent.Executor;

/**
 * Where a hub keeps its channels' history beyond its own memory ({@code es serve --data}), or nowhere. A channel
 * calls it under its lock, in the order of its events: {@link #append} waits for no disk (a write, at most), and
 * says either that the event is durable at once or, later, on the store's own thread, in the order of the appends,
 * that it is (only then is any subscriber offered it); {@link #forget} never waits; {@link #read} gives back, the
 * first time a channel is asked for after a restart, what was kept of it before.
 */
public interface HistoryStore {

    /** Keeps nothing: history lives in the hub's memory alone (a channel then never appends). */
    HistoryStore NONE = new HistoryStore() {
        @Override
        public boolean append(String channel, long place, String id, byte[] frame, long storedAtMillis, Durable then) {
            throw new UnsupportedOperationException("this store keeps nothing");
        }

        @Override
        public void forget(String channel, long throughPlace) {}
    };

    /** A channel whose events the store kept before this start, known by its newest: its place, id and time. */
    record KeptChannel(String name, long newestPlace, String newestId, long newestStoredAtMillis) {}

    /** An event the store kept, as {@link #read} gives it back. */
    record KeptEvent(long place, String id, byte[] frame, long storedAtMillis) {}

    /** What an append is told once its event is durable, or could not be made so. */
    @FunctionalInterface
    interface Durable {
        /**
         * @param failure why the event could not be stored (the publish is refused, nothing is delivered), or null
         *     once it is durable
         */
        void then(HistoryUnavailableException failure);
    }

    /**
     * Stores an event of a channel without waiting for the disk: either it is durable when this returns, or
     * {@code then} is told on the store's thread once it is, in the order of the appends (so a channel's events
     * are told in the order of their places).
     *
     * @param place its place in the hub's order ({@link Frame#seq}), increasing within a channel
     * @param frame the event as subscribers receive it
     * @return true when the event is durable already ({@code then} is never told), false when it will be told
     * @throws HistoryUnavailableException when the store takes nothing more (it is stopping) or could not write
     *     the event (nothing of it was kept)
     */
    boolean append(String channel, long place, String id, byte[] frame, long storedAtMillis, Durable then);

    /**
     * Runs what each sync tells its appends (one task per sync, on the store's thread) through this, so that
     * the server can write what those deliveries wake where they run: a small fan-out, then the publish's answer.
     */
    default void tellThrough(Executor runner) {}

    /** Forgets the channel's events up to and including this place: they are no longer retained. */
    void forget(String channel, long throughPlace);

    /**
     * Forgets a closed channel's events up to and including this place, on disk before this returns (its close is
     * answered after it), so that a restart does not bring them back.
     */
    default void forgetClosed(String channel, long throughPlace) {
        forget(channel, throughPlace);
    }

    /**
     * A channel's newest events kept before this start, oldest first: as many as the bounds given keep, and the
     * newest one past them (its history lets that one go, and with it, on disk, every older one). Nothing for a
     * store that keeps nothing.
     *
     * @param notBeforeMillis the history TTL's cutoff: older events are past the bounds
     * @throws HistoryUnavailableException when they could not be read
     */
    default List<KeptEvent> read(String channel, int maxEvents, long maxBytes, long notBeforeMillis) {
        return List.of();
    }
}
