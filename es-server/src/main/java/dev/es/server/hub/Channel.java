package dev.es.server.hub;

import dev.es.common.ChannelStatus;
import dev.es.common.Event;
import dev.es.common.SseFrames;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * A channel: its subscribers, its history and its id sequence. Publishing appends to the history and offers
 * the frame to every subscriber under one lock, and joining reads the history and adds the subscriber under
 * the same lock, so a joiner's replay and live frames meet with no gap and no duplicate. Offers never block,
 * so the lock is held across no subscriber's I/O; with a store, only across the first read of what it kept
 * before a restart (a commit is waited for with no lock held: the event is pending meanwhile).
 */
final class Channel {

    private final String name;
    private final ReentrantLock lock = new ReentrantLock();
    private final History history;
    /** Where each event is made durable before anyone is offered it. */
    private final HistoryStore store;
    private final Subscribers subscribers = new Subscribers();
    /**
     * The hub's order: each stored event takes its next number as its place, which is also the id of an event
     * the hub numbers (unless a publisher's numeric id is ahead). Unique across channels and lives, increasing.
     */
    private final AtomicLong order;
    /**
     * While a publish takes its place and offers its frame, or events are pending: at most the oldest such place
     * (see {@link #placing()}); else {@link #IDLE}.
     */
    private volatile long placing = IDLE;
    /** The places of events handed to the store and not yet delivered, oldest first (told in that order). */
    private final ArrayDeque<Long> pending = new ArrayDeque<>();
    /** Why the channel was closed (its pending events then go undelivered), or null while it is open. */
    private CloseReason closedBy;
    /** The hub's count of frames queued for subscribers. */
    private final LongAdder delivered;
    private final int maxSubscribers;
    /** The lowest id this channel may give next: above every numeric id a publisher chose. */
    private long minNextId;
    /** The address of the client that made it, counted against its limit of channels; null when uncounted. */
    private volatile String maker;
    private long published;
    private long lastPublishedAtMillis;
    private final long historyTtlMillis;
    /**
     * What the store kept of this channel before this start and it has not read yet (null once read, or when
     * nothing was kept): read the first time the channel is published to, joined or replayed, so that a start
     * reads no channel's events and memory holds only those of channels asked for.
     */
    private volatile HistoryStore.KeptChannel unread;

    /** No publish in progress. */
    static final long IDLE = Long.MAX_VALUE;

    Channel(String name, HubLimits limits, HistoryBudget budget, HistoryStore store, AtomicLong order, LongAdder delivered) {
        this.name = name;
        this.store = store;
        this.history = new History(limits.historyEvents(), limits.historyBytes(), name, budget, store);
        this.maxSubscribers = limits.subscribersPerChannel();
        this.historyTtlMillis = limits.historyTtl().toMillis();
        this.order = order;
        this.delivered = delivered;
    }

    String name() {
        return name;
    }

    String maker() {
        return maker;
    }

    /** Records who made the channel, unless it is recorded already; answers whether it was recorded now. */
    synchronized boolean claim(String client) {
        if (maker != null) {
            return false;
        }
        maker = client;
        return true;
    }

    /**
     * Stores and delivers an event, giving it the channel's next id when it has none. With a store that keeps
     * history on disk, the event is delivered once it is durable: here when the store's write made it so, else on
     * the store's thread, in the order of places. Until then it is pending, neither in the history nor offered, so
     * that a join meets it live (and a join never waits for the disk); subscribers dropped then as too slow are
     * aborted there.
     *
     * @param dropped receives the subscribers dropped as too slow by a delivery made now, for the caller to abort
     *     once it holds no lock (aborting closes a connection)
     * @return the event as subscribers see it, once delivered; failed with {@link HistoryUnavailableException}
     *     when the store could not keep it (nothing was delivered)
     * @throws HistoryUnavailableException when the store takes nothing more (it is stopping) or could not write it
     */
    CompletableFuture<Event> publish(Event event, List<Subscription> dropped) {
        lock.lock();
        try {
            readKept();
            long place = takePlace();
            Event stored = event;
            if (event.id() == null) {
                long id = Math.max(place, minNextId);
                minNextId = id + 1;
                stored = event.withId(Long.toString(id));
            } else {
                followPublisherId(event.id());
            }
            Frame frame = new Frame(place, SseFrames.encode(stored));
            long now = System.currentTimeMillis();
            if (history.keeps() && store != HistoryStore.NONE) {
                CompletableFuture<Event> done = new CompletableFuture<>();
                Event numbered = stored;
                if (!store.append(name, place, stored.id(), frame.bytes(), now,
                        failure -> onDurable(numbered, frame, now, failure, done))) {
                    pending.addLast(place);
                    return done;
                }
            }
            deliver(stored, frame, now, dropped);
            return CompletableFuture.completedFuture(stored);
        } finally {
            settlePlacing();
            lock.unlock();
        }
    }

    /**
     * The store made a pending event durable (or could not): it is delivered now, on the store's thread, unless
     * the channel was closed meanwhile (then a close forgets it on disk too, a stop keeps it; its publish is
     * answered as accepted, like one just before the close). The publish is answered whatever a delivery throws.
     */
    private void onDurable(Event stored, Frame frame, long storedAtMillis, HistoryUnavailableException failure,
            CompletableFuture<Event> done) {
        List<Subscription> dropped = new ArrayList<>(0);
        try {
            lock.lock();
            try {
                pending.removeFirst();
                if (failure == null && closedBy == null) {
                    deliver(stored, frame, storedAtMillis, dropped);
                } else if (failure == null && closedBy != CloseReason.SHUTDOWN) {
                    store.forgetClosed(name, frame.seq());
                }
            } finally {
                // Only once offered: a merged stream must not pass this place before its frame is queued.
                settlePlacing();
                lock.unlock();
            }
            dropped.forEach(Subscription::abort);
        } finally {
            if (failure != null) {
                done.completeExceptionally(failure);
            } else {
                done.complete(stored);
            }
        }
    }

    /** Once no publish is offering here: the oldest pending place, else idle; with the lock held. */
    private void settlePlacing() {
        placing = pending.isEmpty() ? IDLE : pending.peekFirst();
    }

    /** Adds the event to the history and offers it to every subscriber; with the lock held. */
    private void deliver(Event stored, Frame frame, long now, List<Subscription> dropped) {
        lastPublishedAtMillis = now;
        history.add(stored.id(), frame, now);
        published++;
        int before = dropped.size();
        for (int i = 0, n = subscribers.size(); i < n; i++) {
            Subscription subscriber = subscribers.get(i);
            if (!subscriber.offer(frame)) {
                dropped.add(subscriber);
            }
        }
        // After the loop: removing moves subscribers between slots.
        for (int i = before; i < dropped.size(); i++) {
            subscribers.remove(dropped.get(i));
        }
        delivered.add(subscribers.size());
    }

    /**
     * Takes the next place in the hub's order, saying first, in {@link #placing}, a number no larger than it:
     * whoever reads the order's next number and then this knows that no event of this channel below the lesser
     * of the two is still on its way to subscribers.
     */
    private long takePlace() {
        long place;
        do {
            place = order.get();
            // An older event still pending keeps placing at its own place, lower than this one.
            if (pending.isEmpty()) {
                placing = place;
            }
        } while (!order.compareAndSet(place, place + 1));
        return place;
    }

    /**
     * At most the place of the oldest event a publish here is offering now, or that is pending (waiting for the
     * store to make it durable); {@link #IDLE} when none is.
     */
    long placing() {
        return placing;
    }

    /** Whether a publish or a resume here would first read what the store kept before a restart (it may wait). */
    boolean hasUnreadKept() {
        return unread != null;
    }

    /** Reads what the store kept of this channel before a restart, if not yet: before the hub's map is locked for it. */
    void readKeptNow() {
        lock.lock();
        try {
            readKept();
        } finally {
            lock.unlock();
        }
    }

    /** Learns that the store kept events of this channel before a restart: read when first asked for. */
    void keptBefore(HistoryStore.KeptChannel kept) {
        lock.lock();
        try {
            unread = kept;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes back what the store kept of this channel before a restart, as its oldest history (its bounds and the
     * history TTL apply as to publishes: the store reads no more than they keep), once; with the lock held.
     */
    private void readKept() {
        if (unread == null) {
            return;
        }
        List<HistoryStore.KeptEvent> kept = history.readKept(System.currentTimeMillis() - historyTtlMillis);
        unread = null;
        for (HistoryStore.KeptEvent event : kept) {
            followPublisherId(event.id());
            lastPublishedAtMillis = event.storedAtMillis();
        }
    }

    /** What a subscriber resuming after this id would be replayed ({@link History#after}). */
    History.Replay replay(String lastEventId) {
        lock.lock();
        try {
            readKept();
            return history.after(lastEventId);
        } finally {
            lock.unlock();
        }
    }

    /** Adds a subscriber, first queueing what it missed after {@code lastEventId} when that is given. */
    void join(Subscription subscriber, String lastEventId) {
        lock.lock();
        try {
            if (subscribers.size() >= maxSubscribers) {
                throw new LimitReachedException("channel " + name + " has its limit of " + maxSubscribers
                        + " subscribers (--max-subscribers-per-channel); try again later", false);
            }
            if (lastEventId != null) {
                readKept();
            }
            // A join with nothing to resume starts after the newest event, which an unread channel knows unread.
            subscriber.joined(this, lastEventId != null ? lastEventId
                    : unread != null ? unread.newestId() : history.newestId());
            if (lastEventId != null) {
                History.Replay replay = history.after(lastEventId);
                subscriber.replay(replay.frames(), replay.resume());
            }
            subscribers.add(subscriber);
        } finally {
            lock.unlock();
        }
    }

    void leave(Subscription subscriber) {
        lock.lock();
        try {
            subscribers.remove(subscriber);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Drops the given event if it is the oldest this channel retains (the hub's history budget asks).
     *
     * @return the bytes freed, or 0
     */
    long dropIfOldest(History.Entry entry) {
        lock.lock();
        try {
            return history.dropIfOldest(entry);
        } finally {
            lock.unlock();
        }
    }

    /** Drops the events stored before the given time; what the store kept unread goes whole once its newest is. */
    void dropStoredBefore(long cutoffMillis) {
        lock.lock();
        try {
            if (unread != null && unread.newestStoredAtMillis() < cutoffMillis) {
                forgetUnread(false);
            }
            history.dropStoredBefore(cutoffMillis);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends every subscription after a last frame of its own, and forgets them and the history.
     *
     * @param lastFrame makes each subscriber's last frame, or null for none
     */
    void closeAll(CloseReason reason, Supplier<byte[]> lastFrame) {
        Subscription[] ended;
        lock.lock();
        try {
            closedBy = reason;
            ended = subscribers.clear();
            // A stopping server keeps its history on disk for the next start.
            if (reason != CloseReason.SHUTDOWN) {
                forgetUnread(true);
            }
            history.clear(reason != CloseReason.SHUTDOWN);
        } finally {
            lock.unlock();
        }
        for (Subscription subscriber : ended) {
            subscriber.close(reason, lastFrame == null ? null : lastFrame.get());
        }
    }

    int subscriberCount() {
        return subscribers.size();
    }

    /**
     * Has the store forget what it kept of this channel and this one never read, through its newest (not past it):
     * on disk at once when the channel is closed.
     */
    private void forgetUnread(boolean closed) {
        if (unread != null) {
            if (closed) {
                store.forgetClosed(name, unread.newestPlace());
            } else {
                store.forget(name, unread.newestPlace());
            }
            unread = null;
        }
    }

    /** Events this channel holds in memory for replay (not what the store kept and it has not read yet). */
    int retained() {
        lock.lock();
        try {
            return history.size();
        } finally {
            lock.unlock();
        }
    }

    ChannelStatus status() {
        lock.lock();
        try {
            return new ChannelStatus(name, subscribers.size(), published,
                    published == 0 ? null : Instant.ofEpochMilli(lastPublishedAtMillis).toString());
        } finally {
            lock.unlock();
        }
    }

    /** A channel with neither subscribers nor history can be forgotten. */
    boolean isIdle() {
        lock.lock();
        try {
            return subscribers.size() == 0 && history.isEmpty() && unread == null && pending.isEmpty();
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
}
