package dev.es.server.http;

import dev.es.common.MergedStreamId;
import dev.es.common.SseFrames;
import dev.es.server.hub.CloseReason;
import dev.es.server.hub.Frame;
import dev.es.server.hub.Hub;
import dev.es.server.hub.Subscription;
import java.io.ByteArrayOutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Several channels on one stream. Every event's id is rewritten to a {@link MergedStreamId}, which a plain
 * EventSource keeps as its last event id and sends back as Last-Event-ID, to resume every channel with no gap and
 * no duplicate. The event's own fields (type, data, retry) are untouched, so {@code onmessage} sees every event
 * as before.
 *
 * <p>Where the hub orders every channel ({@link Hub#ordersAcrossChannels}), the stream writes its channels' events
 * in that order, each with its place ({@code c=CHANNEL&@=PLACE}): an event is written once every event of these
 * channels before it has been ({@link Hub#orderedBelow}), so a resume from a place replays, in every channel,
 * exactly what came after it. Otherwise (Redis) each id carries the stream's position in every channel.
 *
 * <p>Frames are taken one at a time, until a write's worth ({@link Subscription#MAX_BATCH_BYTES}) is rewritten:
 * taking a channel's whole batch at once (a replay of a thousand events) would multiply what one stream makes
 * the server hold.
 */
final class MergedFeed implements Feed {

    private static final byte[] NOTHING = {};

    private final Hub hub;
    private final List<Subscription> subscriptions;
    private final boolean ordered;
    /** Ordered: each channel's next frame, taken from its subscription and not yet written. */
    private final Frame[] next;
    /**
     * Not ordered: where the stream is in each channel, as {@link MergedStreamId#position} encodes it (each
     * encoded once, as it changes; empty for a channel that had no event when the stream joined it, so that a
     * resume replays all of it), in the order the channels were asked for.
     */
    private final Map<String, String> positions = new LinkedHashMap<>();
    /** Asks for another poll shortly: a publish to one of the channels was under way, its event not yet queued. */
    private final Runnable pollSoon;
    private boolean ended;

    MergedFeed(Hub hub, List<Subscription> subscriptions, Runnable pollSoon) {
        this.hub = hub;
        this.subscriptions = subscriptions;
        this.pollSoon = pollSoon;
        this.ordered = hub.ordersAcrossChannels();
        this.next = new Frame[subscriptions.size()];
        if (!ordered) {
            for (Subscription subscription : subscriptions) {
                positions.put(subscription.channel(), MergedStreamId.position(subscription.channel(), subscription.joinedAfter()));
            }
        }
    }

    @Override
    public byte[] poll() {
        if (ended) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(0);
        if (ordered) {
            writeInOrder(out);
        } else {
            writeInTurn(out);
        }
        if (out.size() > 0) {
            return out.toByteArray();
        }
        if (ended) {
            return null;
        }
        if (holdsFrames()) {
            // A frame waits for an earlier event still on its way, or its channel's subscription, having handed
            // it over, will not wake the writer: look again shortly.
            pollSoon.run();
        }
        return NOTHING;
    }

    /**
     * Writes the channels' events in the hub's order, as far as it is known: below the bound read before the
     * subscriptions are polled, every event of these channels is queued already, so the least one polled is the
     * next. A bound that no longer moves with events beyond it waiting means a publish is under way.
     */
    private void writeInOrder(ByteArrayOutputStream out) {
        long bound = Long.MIN_VALUE;
        while (out.size() < Subscription.MAX_BATCH_BYTES) {
            long known = hub.orderedBelow(subscriptions);
            if (known == bound) {
                return;
            }
            bound = known;
            take();
            int least;
            while ((least = least()) >= 0 && next[least].seq() < bound && out.size() < Subscription.MAX_BATCH_BYTES) {
                Frame frame = next[least];
                String channel = subscriptions.get(least).channel();
                SseFrames.replaceIds(frame.bytes(), id -> MergedStreamId.ofPlace(channel, frame.seq()), out);
                next[least] = subscriptions.get(least).pollFrame();
                endIfClosed(least);
            }
            if (least < 0) {
                return;
            }
        }
    }

    private boolean holdsFrames() {
        for (Frame frame : next) {
            if (frame != null) {
                return true;
            }
        }
        return false;
    }

    /** Takes the next frame of each channel that has none waiting. */
    private void take() {
        for (int i = 0; i < next.length; i++) {
            if (next[i] == null) {
                next[i] = subscriptions.get(i).pollFrame();
                endIfClosed(i);
            }
        }
    }

    /** The channel whose waiting frame comes first (a control frame, which has no place, at once), or -1. */
    private int least() {
        int least = -1;
        for (int i = 0; i < next.length; i++) {
            if (next[i] != null && (least < 0 || next[i].seq() < next[least].seq())) {
                least = i;
            }
        }
        return least;
    }

    /** One channel ended (closed, or the server stops): the stream ends after what the others had. */
    private void endIfClosed(int channel) {
        if (next[channel] == null && subscriptions.get(channel).closeReason() != null) {
            ended = true;
        }
    }

    /** Writes the channels' frames one at a time, each channel in turn, each id naming every channel's position. */
    private void writeInTurn(ByteArrayOutputStream out) {
        boolean more = true;
        while (more && out.size() < Subscription.MAX_BATCH_BYTES) {
            more = false;
            for (int i = 0; i < subscriptions.size(); i++) {
                Frame frame = subscriptions.get(i).pollFrame();
                if (frame == null) {
                    endIfClosed(i);
                } else {
                    String channel = subscriptions.get(i).channel();
                    SseFrames.replaceIds(frame.bytes(), id -> {
                        positions.put(channel, MergedStreamId.position(channel, id));
                        return MergedStreamId.of(channel, positions.values());
                    }, out);
                    more = true;
                }
            }
        }
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

    @Override
    public List<Subscription> subscriptions() {
        return subscriptions;
    }
}
