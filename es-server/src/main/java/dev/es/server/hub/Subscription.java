package dev.es.server.hub;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One subscriber's place in a channel: a queue of encoded frames, bounded in bytes, that publishers offer to
 * without ever blocking, and that exactly one consumer drains. The queue is allocated on the first frame and
 * shrinks back when drained, so an idle subscriber costs a few objects only.
 *
 * <p>A consumer either blocks in {@link #take} or, holding no thread while it waits, calls {@link #poll} and is
 * woken once something arrives after a poll found nothing.
 */
public final class Subscription {

    private static final byte[] NOTHING = new byte[0];
    /** One write's worth: big enough to coalesce a burst, small enough not to copy a whole replay at once. */
    public static final int MAX_BATCH_BYTES = 256 * 1024;
    /** Small: most subscribers keep up, and the deque doubles when one falls behind. */
    private static final int INITIAL_QUEUE = 8;

    private final String channel;
    /** Set once as it joins, under its channel's lock: see {@link #joinedAfter()}. */
    private volatile String joinedAfter;
    private volatile Channel joinedChannel;
    /** How it resumed from a Last-Event-ID; null when it did not resume. */
    private volatile Resume resume;
    private final long capacityBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    private ArrayDeque<Frame> queue;
    private long queuedBytes;
    private long limitBytes;
    private CloseReason closeReason;
    private Runnable abortAction = () -> {};
    private final Runnable wake;
    /** Set when a poll found nothing: the next frame (or the close) wakes the consumer, once. */
    private boolean consumerWaiting;
    /** Its place in its channel's {@link Subscribers}, -1 when in none; guarded by the channel's lock. */
    int slot = -1;

    Subscription(String channel, long capacityBytes, Runnable wake) {
        this.channel = channel;
        this.capacityBytes = capacityBytes;
        this.limitBytes = capacityBytes;
        this.wake = wake;
    }

    /**
     * The id of the event this subscription starts after: the Last-Event-ID it resumed from, else the channel's
     * newest event when it joined; empty when the channel had none. Resuming from it misses nothing.
     */
    public String joinedAfter() {
        return joinedAfter;
    }

    /** Set as it joins its channel, under the channel's lock. */
    void joined(Channel channel, String after) {
        this.joinedChannel = channel;
        this.joinedAfter = after;
    }

    /** How it resumed from the Last-Event-ID it joined with, exactly or with a gap; null when it joined with none. */
    public Resume resume() {
        return resume;
    }

    /** As {@link Channel#placing()} of the channel it joined. */
    long channelPlacing() {
        return joinedChannel.placing();
    }

    public String channel() {
        return channel;
    }

    /** How to cut the subscriber's connection, which also fails a write pending on a client that does not read. */
    public void onAbort(Runnable action) {
        lock.lock();
        try {
            abortAction = action;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Cuts the subscriber's connection. Called with no lock held: it is I/O. The hub calls it for a
     * subscription dropped as too slow, whose writer likely has a write pending that the client does not read.
     */
    public void abort() {
        Runnable action;
        lock.lock();
        try {
            action = abortAction;
        } finally {
            lock.unlock();
        }
        action.run();
    }

    /**
     * Queues the replayed history ahead of live frames; it does not count against the capacity, which bounds
     * what a slow reader lets pile up, not what it asked to catch up on.
     */
    void replay(List<Frame> frames, Resume resume) {
        this.resume = resume;
        boolean wakeConsumer = false;
        lock.lock();
        try {
            if (!frames.isEmpty() && closeReason == null) {
                queue = new ArrayDeque<>(frames);
                queuedBytes = frames.stream().mapToLong(frame -> frame.bytes().length).sum();
                limitBytes = capacityBytes + queuedBytes;
                wakeConsumer = signal();
            }
        } finally {
            lock.unlock();
        }
        wakeIf(wakeConsumer);
    }

    /**
     * Queues a frame without blocking.
     *
     * @return false when the queue is full or closed; a full queue closes the subscription as too slow (the
     *     caller then {@link #abort()}s it, outside its locks). A frame always fits an empty queue, so an event
     *     larger than the capacity still reaches a reader that keeps up.
     */
    boolean offer(Frame frame) {
        boolean queued;
        boolean wakeConsumer;
        lock.lock();
        try {
            if (closeReason != null) {
                return false;
            }
            queued = queue == null || queue.isEmpty() || queuedBytes + frame.bytes().length <= limitBytes;
            if (queued) {
                enqueue(frame);
            } else {
                closeReason = CloseReason.TOO_SLOW;
                queue = null;
                queuedBytes = 0;
            }
            wakeConsumer = signal();
        } finally {
            lock.unlock();
        }
        wakeIf(wakeConsumer);
        return queued;
    }

    /**
     * Waits up to the timeout for frames and takes what is queued (up to a batch) as one array, for one write.
     *
     * @return queued frames back to back; an empty array when the timeout passed with nothing queued;
     *     null once the subscription is closed and drained
     */
    public byte[] take(long timeout, TimeUnit unit) throws InterruptedException {
        lock.lock();
        try {
            long nanos = unit.toNanos(timeout);
            while (isEmpty() && closeReason == null && nanos > 0) {
                nanos = ready.awaitNanos(nanos);
            }
            return next();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes what is queued (up to a batch) as one array, without waiting. When it finds nothing, the wake given
     * at subscribe runs as soon as a frame arrives or the subscription closes.
     *
     * @return as {@link #take}, with an empty array meaning nothing is queued now
     */
    public byte[] poll() {
        lock.lock();
        try {
            byte[] batch = next();
            consumerWaiting = batch != null && batch.length == 0;
            return batch;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes the next frame alone, for a stream that rewrites each frame and orders several channels' frames (a
     * stream of several channels). When there is none the wake runs as for {@link #poll()}.
     *
     * @return the next frame, or null when none is queued (then see {@link #closeReason()}: closed, or not yet)
     */
    public Frame pollFrame() {
        lock.lock();
        try {
            if (isEmpty()) {
                consumerWaiting = closeReason == null;
                return null;
            }
            // Taking a frame is not waiting: an armed wake left set here went missing (a merged stream that
            // reconnected under concurrent publishes got nothing more, about one run in eight).
            consumerWaiting = false;
            Frame frame = queue.poll();
            queuedBytes -= frame.bytes().length;
            shrinkIfEmpty();
            return frame;
        } finally {
            lock.unlock();
        }
    }

    /** Why the subscription ended, or null while it is open. */
    public CloseReason closeReason() {
        lock.lock();
        try {
            return closeReason;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends the subscription, after one last frame when one is given (a {@code retry:} hint as a server stops),
     * unless it has ended already; what was queued before is still taken.
     */
    void close(CloseReason reason, byte[] lastFrame) {
        boolean wakeConsumer = false;
        lock.lock();
        try {
            if (closeReason == null) {
                if (lastFrame != null) {
                    enqueue(Frame.control(lastFrame));
                }
                closeReason = reason;
                wakeConsumer = signal();
            }
        } finally {
            lock.unlock();
        }
        wakeIf(wakeConsumer);
    }

    /** Adds a frame to the queue, made on the first one, the lock held. */
    private void enqueue(Frame frame) {
        if (queue == null) {
            queue = new ArrayDeque<>(INITIAL_QUEUE);
        }
        queue.add(frame);
        queuedBytes += frame.bytes().length;
    }

    /** What take and poll hand out, the lock held. */
    private byte[] next() {
        if (isEmpty()) {
            return closeReason == null ? NOTHING : null;
        }
        byte[] batch = drain();
        queuedBytes -= batch.length;
        shrinkIfEmpty();
        return batch;
    }

    /** Back to no queue at all once it is drained: an idle subscriber costs a few objects only. */
    private void shrinkIfEmpty() {
        if (queue.isEmpty()) {
            queue = null;
            limitBytes = capacityBytes;
        }
    }

    /**
     * Tells the consumer there is something, the lock held: a blocked take returns at once.
     *
     * @return whether a waiting poller is to be woken, which the caller does once it has let go of the lock, so
     *     that the woken consumer does not find it held
     */
    private boolean signal() {
        ready.signal();
        boolean wakeConsumer = consumerWaiting;
        consumerWaiting = false;
        return wakeConsumer;
    }

    private void wakeIf(boolean wakeConsumer) {
        if (wakeConsumer) {
            wake.run();
        }
    }

    private boolean isEmpty() {
        return queue == null || queue.isEmpty();
    }

    /** Takes frames from the head, back to back, up to one batch (always at least one frame). */
    private byte[] drain() {
        if (queue.size() == 1 || queue.peek().bytes().length >= MAX_BATCH_BYTES) {
            return queue.poll().bytes();
        }
        int length = 0;
        int count = 0;
        for (Frame frame : queue) {
            if (length + frame.bytes().length > MAX_BATCH_BYTES) {
                break;
            }
            length += frame.bytes().length;
            count++;
        }
        byte[] batch = new byte[length];
        int at = 0;
        for (int i = 0; i < count; i++) {
            byte[] frame = queue.poll().bytes();
            System.arraycopy(frame, 0, batch, at, frame.length);
            at += frame.length;
        }
        return batch;
    }
}
