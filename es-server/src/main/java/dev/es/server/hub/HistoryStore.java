package dev.es.server.hub;

import java.util.List;

/**
 * Where a hub keeps its channels' history beyond its own memory ({@code es serve --data}), or nowhere. A channel
 * calls it under its lock, in the order of its events: {@link #append} returns once the event is durable, before
 * any subscriber is offered it; {@link #forget} never waits; {@link #read} gives back, the first time a channel is
 * asked for after a restart, what was kept of it before.
 */
public interface HistoryStore {

    /** Keeps nothing: history lives in the hub's memory alone. */
    HistoryStore NONE = new HistoryStore() {
        @Override
        public void append(String channel, long place, String id, byte[] frame, long storedAtMillis) {}

        @Override
        public void forget(String channel, long throughPlace) {}
    };

    /** A channel whose events the store kept before this start, known by its newest: its place, id and time. */
    record KeptChannel(String name, long newestPlace, String newestId, long newestStoredAtMillis) {}

    /** An event the store kept, as {@link #read} gives it back. */
    record KeptEvent(long place, String id, byte[] frame, long storedAtMillis) {}

    /**
     * Stores an event of a channel, returning once it is durable.
     *
     * @param place its place in the hub's order ({@link Frame#seq}), increasing within a channel
     * @param frame the event as subscribers receive it
     * @throws HistoryUnavailableException when it could not be stored: the publish is refused, nothing is delivered
     */
    void append(String channel, long place, String id, byte[] frame, long storedAtMillis);

    /** Forgets the channel's events up to and including this place: they are no longer retained. */
    void forget(String channel, long throughPlace);

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
