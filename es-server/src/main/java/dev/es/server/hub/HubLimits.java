package dev.es.server.hub;

import java.time.Duration;

/**
 * What one hub holds at most, so that no publisher or subscriber can grow its memory without bound.
 *
 * @param historyEvents events kept per channel for replay (0 keeps none)
 * @param historyBytes bytes of frames kept per channel for replay: the oldest go first past it
 * @param historyBudget bytes every channel's history holds together, each event's overhead counted: past it
 *     the hub's oldest events go first, whichever channels hold them
 * @param historyTtl how long an event is kept for replay; a channel left with neither history nor subscribers
 *     is forgotten
 * @param queueBytes how far, in bytes of frames, a subscriber may fall behind before it is dropped as too slow
 * @param channels channels the hub holds at once; a publish or join that would make one more is refused
 * @param channelsPerClient channels one client (an address; not the hub token's holder) may have made that still
 *     exist; a publish or join that would make one more is refused
 * @param subscribersPerChannel subscribers one channel has at once; one more is refused
 */
public record HubLimits(
        int historyEvents,
        long historyBytes,
        long historyBudget,
        Duration historyTtl,
        long queueBytes,
        int channels,
        int channelsPerClient,
        int subscribersPerChannel) {

    /** A reconnect at hundreds of events per second still replays; frames are shared, not copied. */
    public static final int DEFAULT_HISTORY_EVENTS = 1000;
    /** 1000 events of 16 KiB: a channel of large events keeps fewer of them rather than more memory. */
    public static final long DEFAULT_HISTORY_BYTES = 16L * 1024 * 1024;
    /** nchan's message timeout: long enough for a reconnect after a deploy or a lost train tunnel. */
    public static final Duration DEFAULT_HISTORY_TTL = Duration.ofHours(1);
    /** A burst of thousands of small events fits; a reader that never reads holds no more than this. */
    public static final long DEFAULT_QUEUE_BYTES = 4L * 1024 * 1024;
    /**
     * Far above what one server serves well. It does not bound memory by itself (channels of history are
     * bounded together by the history budget; subscribers by connections).
     */
    public static final int DEFAULT_CHANNELS = 100_000;
    /** A tenth of the channels: one client alone cannot fill the server, a busy one still makes thousands. */
    public static final int DEFAULT_CHANNELS_PER_CLIENT = 10_000;
    /** The most one server holds of idle subscribers in about half a gigabyte. */
    public static final int DEFAULT_SUBSCRIBERS_PER_CHANNEL = 100_000;

    /**
     * A quarter of the heap the JVM may grow to: the rest is for subscribers' queues, connections and
     * requests in flight, so history alone can never exhaust it.
     */
    public static long defaultHistoryBudget() {
        return Runtime.getRuntime().maxMemory() / 4;
    }

    /** @throws IllegalArgumentException naming the limit out of range */
    public HubLimits {
        requireAtLeast(0, historyEvents, "history (events per channel)");
        requireAtLeast(0, historyBytes, "history bytes");
        requireAtLeast(1, historyBudget, "history budget");
        if (historyTtl == null || historyTtl.isNegative() || historyTtl.isZero()) {
            throw new IllegalArgumentException("history TTL must be longer than zero, not " + historyTtl);
        }
        requireAtLeast(1, queueBytes, "queue bytes");
        requireAtLeast(1, channels, "max channels");
        requireAtLeast(1, channelsPerClient, "max channels per client");
        requireAtLeast(1, subscribersPerChannel, "max subscribers per channel");
    }

    private static void requireAtLeast(long least, long value, String limit) {
        if (value < least) {
            throw new IllegalArgumentException(limit + " must be " + least + " or more, not " + value);
        }
    }

    /** The defaults, with this history and queue: for programs that set only those. */
    public static HubLimits of(int historyEvents, long queueBytes) {
        return new HubLimits(historyEvents, DEFAULT_HISTORY_BYTES, defaultHistoryBudget(), DEFAULT_HISTORY_TTL, queueBytes,
                DEFAULT_CHANNELS, DEFAULT_CHANNELS_PER_CLIENT, DEFAULT_SUBSCRIBERS_PER_CHANNEL);
    }
}
