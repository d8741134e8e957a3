package dev.es.server.hub;

import dev.es.common.ChannelStatus;
import dev.es.common.Event;
import dev.es.common.SseFrames;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * A channel: its subscribers, its history and its id sequence. Publishing appends to the history and offers
 * the frame to every subscriber under one lock, and joining reads the history and adds the subscriber under
 * the same lock, so a joiner's replay and live frames meet with no gap and no duplicate. Offers never block,
 * so the lock is never held across I/O.
 */
final class Channel {

    private static final Subscription[] NONE = new Subscription[0];

    private final String name;
    private final ReentrantLock lock = new ReentrantLock();
    private final History history;
    /** Copy-on-write: fan-out iterates a snapshot while joins and leaves replace the array. */
    private volatile Subscription[] subscribers = NONE;
    /** The hub's id source: unique across its channels and lives, and increasing. */
    private final LongSupplier hubIds;
    /** The lowest id this channel may give next: above every numeric id a publisher chose. */
    private long minNextId;
    private long published;
    private long lastPublishedAtMillis;

    Channel(String name, int historySize, LongSupplier hubIds) {
        this.name = name;
        this.history = new History(historySize);
        this.hubIds = hubIds;
    }

    String name() {
        return name;
    }

    /**
     * Stores and delivers an event, giving it the channel's next id when it has none.
     *
     * @param dropped receives the subscribers dropped as too slow, for the caller to abort once it holds no
     *     lock (aborting closes a connection)
     * @return the event as subscribers see it
     */
    Event publish(Event event, List<Subscription> dropped) {
        lock.lock();
        try {
            Event stored = event;
            if (event.id() == null) {
                long id = Math.max(hubIds.getAsLong(), minNextId);
                minNextId = id + 1;
                stored = event.withId(Long.toString(id));
            } else {
                followPublisherId(event.id());
            }
            byte[] frame = SseFrames.encode(stored);
            history.add(stored.id(), frame);
            published++;
            lastPublishedAtMillis = System.currentTimeMillis();
            int before = dropped.size();
            for (Subscription subscriber : subscribers) {
                if (!subscriber.offer(frame)) {
                    dropped.add(subscriber);
                }
            }
            if (dropped.size() > before) {
                removeAll(dropped.subList(before, dropped.size()));
            }
            return stored;
        } finally {
            lock.unlock();
        }
    }

    /** Adds a subscriber, first queueing what it missed after {@code lastEventId} when that is given. */
    void join(Subscription subscriber, String lastEventId) {
        lock.lock();
        try {
            if (lastEventId != null) {
                subscriber.replay(history.after(lastEventId));
            }
            Subscription[] grown = Arrays.copyOf(subscribers, subscribers.length + 1);
            grown[subscribers.length] = subscriber;
            subscribers = grown;
        } finally {
            lock.unlock();
        }
    }

    void leave(Subscription subscriber) {
        lock.lock();
        try {
            removeAll(List.of(subscriber));
        } finally {
            lock.unlock();
        }
    }

    /** Ends every subscription and forgets them. */
    void closeAll(CloseReason reason) {
        Subscription[] ended;
        lock.lock();
        try {
            ended = subscribers;
            subscribers = NONE;
        } finally {
            lock.unlock();
        }
        for (Subscription subscriber : ended) {
            subscriber.close(reason);
        }
    }

    int subscriberCount() {
        return subscribers.length;
    }

    ChannelStatus status() {
        lock.lock();
        try {
            return new ChannelStatus(name, subscribers.length, published,
                    published == 0 ? null : Instant.ofEpochMilli(lastPublishedAtMillis).toString());
        } finally {
            lock.unlock();
        }
    }

    /** A channel with neither subscribers nor history can be forgotten. */
    boolean isIdle() {
        lock.lock();
        try {
            return subscribers.length == 0 && history.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** Hub ids keep increasing past numeric ids publishers chose, so an id never goes backwards. */
    private void followPublisherId(String id) {
        try {
            minNextId = Math.max(minNextId, Math.addExact(Long.parseLong(id), 1));
        } catch (NumberFormatException | ArithmeticException notAnIdWeCouldFollow) {
            // Text ids (and the largest long) say nothing about order: the hub's sequence goes on as it was.
        }
    }

    private void removeAll(List<Subscription> gone) {
        Set<Subscription> dropped = Collections.newSetFromMap(new IdentityHashMap<>());
        dropped.addAll(gone);
        subscribers = Arrays.stream(subscribers).filter(s -> !dropped.contains(s)).toArray(Subscription[]::new);
    }
}
