package dev.es.server.http;

import dev.es.common.MergedStreamId;
import dev.es.common.SseFrames;
import dev.es.server.hub.CloseReason;
import dev.es.server.hub.Hub;
import dev.es.server.hub.Subscription;
import java.io.ByteArrayOutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Several channels on one stream. Every event's id is rewritten to a {@link MergedStreamId}: which channel it
 * came from and where the stream is in each channel. A plain EventSource keeps it as its last event id and
 * sends it back as Last-Event-ID, from which the stream resumes every channel with no gap and no duplicate.
 * The event's own fields (type, data, retry) are untouched, so {@code onmessage} sees every event as before.
 */
final class MergedFeed implements Feed {

    private static final byte[] NOTHING = {};
    /** A poll of at most one byte takes exactly one frame. */
    private static final int ONE_FRAME = 1;

    private final List<Subscription> subscriptions;
    /**
     * Where the stream is in each channel, as {@link MergedStreamId#position} encodes it (each encoded once, as it
     * changes; empty for a channel that had no event when the stream joined it, so that a resume replays all of
     * it), in the order the channels were asked for: on the writer's turn only.
     */
    private final Map<String, String> positions = new LinkedHashMap<>();
    private boolean ended;

    MergedFeed(List<Subscription> subscriptions) {
        this.subscriptions = subscriptions;
        for (Subscription subscription : subscriptions) {
            positions.put(subscription.channel(), MergedStreamId.position(subscription.channel(), subscription.joinedAfter()));
        }
    }

    /**
     * Takes the channels' frames one at a time, each channel in turn, until a write's worth ({@link Subscription#MAX_BATCH_BYTES}) is rewritten: each
     * frame grows by an id naming every channel, so taking a channel's whole batch at once (a replay of a
     * thousand events) would multiply what one stream makes the server hold.
     */
    @Override
    public byte[] poll() {
        if (ended) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(0);
        boolean more = true;
        while (more && out.size() < Subscription.MAX_BATCH_BYTES) {
            more = false;
            for (Subscription subscription : subscriptions) {
                byte[] frame = subscription.poll(ONE_FRAME);
                if (frame == null) {
                    // One channel ended (closed, or the server stops): the stream ends after what the others had.
                    ended = true;
                } else if (frame.length > 0) {
                    rewrite(subscription.channel(), frame, out);
                    more = true;
                }
            }
        }
        if (out.size() > 0) {
            return out.toByteArray();
        }
        return ended ? null : NOTHING;
    }

    /** Copies one channel's frame, its event's id replaced by the stream's. */
    private void rewrite(String channel, byte[] batch, ByteArrayOutputStream out) {
        SseFrames.replaceIds(batch, id -> {
            positions.put(channel, MergedStreamId.position(channel, id));
            return MergedStreamId.of(channel, positions.values());
        }, out);
    }

    @Override
    public CloseReason closeReason() {
        for (Subscription subscription : subscriptions) {
            if (subscription.closeReason() != null) {
                return subscription.closeReason();
            }
        }
        return null;
    }

    @Override
    public void onAbort(Runnable action) {
        subscriptions.forEach(subscription -> subscription.onAbort(action));
    }

    @Override
    public void abort() {
        // Every subscription was given the same action: cutting the one connection.
        subscriptions.getFirst().abort();
    }

    @Override
    public void leave(Hub hub) {
        subscriptions.forEach(hub::unsubscribe);
    }

    @Override
    public int channels() {
        return subscriptions.size();
    }
}
