package dev.es.server.hub;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ToLongFunction;

/**
 * What every channel's history holds together, bounded: past the budget the hub's oldest events go first,
 * whichever channels hold them. Each retained event joins one hub-wide queue in the order it was stored (those a
 * store kept before a restart, at its head when their channel reads them); an
 * event its channel dropped on its own (its own bounds, its age, a close) is marked, skipped when it reaches the
 * head, and swept out of the queue once such marks outnumber the events still retained.
 */
final class HistoryBudget {

    /**
     * What an event costs beyond its frame: its entry, its place in this queue and in its channel's history,
     * its id. Counted, so that a budget of many tiny events is not an understatement.
     */
    static final int EVENT_OVERHEAD_BYTES = 128;
    /** Sweeping waits until the marked outnumber the retained by this many, so that it stays rare. */
    private static final long SWEEP_SLACK = 4096;

    private final long maxBytes;
    private final ConcurrentLinkedDeque<History.Entry> order = new ConcurrentLinkedDeque<>();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong retained = new AtomicLong();
    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong shed = new AtomicLong();
    /** One thread sheds or sweeps at a time; the others go on, as their events are counted already. */
    private final ReentrantLock housekeeping = new ReentrantLock();

    HistoryBudget(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** An event a channel now retains, with its lock held. */
    void stored(History.Entry entry) {
        order.add(entry);
        counted(entry);
    }

    /**
     * Events a channel took back from a store after a restart, oldest first, with its lock held: older than any
     * stored since the start, so queued ahead of every one of those (and of those read before them).
     */
    void storedEarlier(List<History.Entry> entries) {
        for (History.Entry entry : entries.reversed()) {
            order.addFirst(entry);
            counted(entry);
        }
    }

    private void counted(History.Entry entry) {
        queued.incrementAndGet();
        retained.incrementAndGet();
        bytes.addAndGet(cost(entry));
    }

    /** An event a channel no longer retains, with its lock held: its place in the queue is skipped. */
    void released(History.Entry entry) {
        entry.drop();
        retained.decrementAndGet();
        bytes.addAndGet(-cost(entry));
    }

    /**
     * Drops the oldest events of the hub until it is within its budget, each through {@code dropOldest} (which
     * takes the event's channel's lock, so this runs with no channel's lock held, and answers the bytes freed).
     * Sweeps the queue of marked places when they have piled up.
     *
     * @return the events shed, 0 when within the budget or when another thread is at it
     */
    long shed(ToLongFunction<History.Entry> dropOldest) {
        boolean over = bytes.get() > maxBytes;
        boolean piled = queued.get() > 2 * retained.get() + SWEEP_SLACK;
        if (!(over || piled) || !housekeeping.tryLock()) {
            return 0;
        }
        try {
            long events = 0;
            while (bytes.get() > maxBytes) {
                History.Entry oldest = order.poll();
                if (oldest == null) {
                    break;
                }
                queued.decrementAndGet();
                if (!oldest.dropped() && dropOldest.applyAsLong(oldest) > 0) {
                    events++;
                }
            }
            if (queued.get() > 2 * retained.get() + SWEEP_SLACK) {
                // Most marks are at the head (a channel drops its own oldest, in order): those go cheaply; the queue
                // is swept whole only when marks behind live events still pile up.
                for (History.Entry head = order.peek(); head != null && head.dropped(); head = order.peek()) {
                    order.poll();
                    queued.decrementAndGet();
                }
                if (queued.get() > 2 * retained.get() + SWEEP_SLACK) {
                    order.removeIf(History.Entry::dropped);
                    queued.set(order.size());
                }
            }
            shed.addAndGet(events);
            return events;
        } finally {
            housekeeping.unlock();
        }
    }

    /** Bytes retained now, overhead included. */
    long bytes() {
        return bytes.get();
    }

    long maxBytes() {
        return maxBytes;
    }

    /** Events shed for the budget since the hub started. */
    long shedEvents() {
        return shed.get();
    }

    static long cost(History.Entry entry) {
        return entry.frame().bytes().length + EVENT_OVERHEAD_BYTES;
    }
}
