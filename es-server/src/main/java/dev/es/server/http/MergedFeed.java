package dev.es.server.http;

import dev.es.common.MergedStreamId;
import dev.es.common.SseFrames;
import dev.es.server.hub.CloseReason;
import dev.es.server.hub.Frame;
import dev.es.server.hub.Hub;
import dev.es.server.hub.Subscription;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

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
 *
 * <p>A stream that follows a prefix also follows the matching channels made after it opened ({@link Hub#watchPrefix}
 * names them), each from its first event. In the hub's order that must happen before any later event is written:
 * each round reads the bound, then joins the channels made so far, and reads the bound again if it joined any; a
 * channel whose making was not yet seen then takes its places after that bound, so nothing written precedes it.
 */
final class MergedFeed implements Feed {

    private static final byte[] NOTHING = {};

    private final Hub hub;
    /** Written by the writer as channels are joined; read by whoever cuts or ends the stream. */
    private final CopyOnWriteArrayList<Subscription> subscriptions;
    private final boolean ordered;
    /** Ordered: each channel's next frame, taken from its subscription and not yet written. */
    private final List<Frame> next;
    /**
     * Not ordered: where the stream is in each channel, as {@link MergedStreamId#position} encodes it (each
     * encoded once, as it changes; empty for a channel that had no event when the stream joined it, so that a
     * resume replays all of it), in the order the channels were asked for.
     */
    private final Map<String, String> positions = new LinkedHashMap<>();
    /** Asks for another poll shortly: a publish to one of the channels was under way, its event not yet queued. */
    private final Runnable pollSoon;
    /** Channels made since the stream opened that a prefix of it matches, told under the hub's locks. */
    private final Queue<String> made;
    /** Subscribes the stream to such a channel. */
    private final Follower follower;
    /** Subscriptions to those channels, once made (empty: one could not be made, and the stream ends). */
    private final Queue<Optional<Subscription>> joined = new ConcurrentLinkedQueue<>();
    /** The channels followed or being joined: the writer's alone. */
    private final Set<String> following = new HashSet<>();
    /** What a cut-off runs, for subscriptions joined later too. */
    private final List<Runnable> onAbort = new CopyOnWriteArrayList<>();
    private final Runnable unwatch;
    private boolean ended;
    /** Whether the stream left the hub: what is joined after is abandoned. Guarded by this feed. */
    private boolean left;

    /** Subscribes a stream to a channel made after it opened, handing the subscription on once made. */
    interface Follower {
        /** Hands {@code joined} the subscription, or nothing when the channel cannot be followed (a limit). */
        void follow(String channel, Consumer<Optional<Subscription>> joined);

        /** Undoes a follow whose subscription came once the stream had left the hub. */
        void abandon(Subscription subscription);
    }

    /**
     * @param made where the stream's prefix watches put the channels made since it opened
     * @param unwatch ends those watches
     */
    MergedFeed(Hub hub, List<Subscription> subscriptions, Runnable pollSoon, Queue<String> made, Follower follower,
            Runnable unwatch) {
        this.hub = hub;
        this.subscriptions = new CopyOnWriteArrayList<>();
        this.pollSoon = pollSoon;
        this.made = made;
        this.follower = follower;
        this.unwatch = unwatch;
        this.ordered = hub.ordersAcrossChannels();
        this.next = new ArrayList<>();
        for (Subscription subscription : subscriptions) {
            add(subscription);
        }
    }

    private void add(Subscription subscription) {
        subscriptions.add(subscription);
        following.add(subscription.channel());
        next.add(null);
        onAbort.forEach(subscription::onAbort);
        if (!ordered) {
            positions.put(subscription.channel(), MergedStreamId.position(subscription.channel(), subscription.joinedAfter()));
        }
    }

    /**
     * Joins the channels made since that a prefix matches, past which the stream may not grow: it ends then, and
     * its reconnect is refused in words.
     *
     * @return whether a channel was joined
     */
    private boolean joinMade() {
        for (String channel = made.poll(); channel != null; channel = made.poll()) {
            if (following.size() >= StreamHandler.MAX_MERGED) {
                ended = true;
            } else if (following.add(channel)) {
                follower.follow(channel, this::joinedLater);
            }
        }
        boolean any = false;
        for (Optional<Subscription> subscription = joined.poll(); subscription != null; subscription = joined.poll()) {
            if (subscription.isEmpty()) {
                ended = true;
            } else {
                synchronized (this) {
                    if (left) {
                        follower.abandon(subscription.get());
                    } else {
                        add(subscription.get());
                        any = true;
                    }
                }
            }
        }
        return any;
    }

    /** A channel's subscription made for the stream, perhaps on another thread (with Redis it reads a stream). */
    private void joinedLater(Optional<Subscription> subscription) {
        joined.add(subscription);
        synchronized (this) {
            if (left) {
                abandonJoined();
            }
        }
    }

    private void abandonJoined() {
        for (Optional<Subscription> late = joined.poll(); late != null; late = joined.poll()) {
            late.ifPresent(follower::abandon);
        }
    }

    @Override
    public byte[] poll() {
        if (ended) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(0);
        joinMade();
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
        while (out.size() < Subscription.MAX_BATCH_BYTES && !ended) {
            long known = hub.orderedBelow(subscriptions);
            if (joinMade()) {
                // Joined after the bound was read: read it again with the channel in it.
                continue;
            }
            if (known == bound) {
                return;
            }
            bound = known;
            take();
            int least;
            while ((least = least()) >= 0 && next.get(least).seq() < bound && out.size() < Subscription.MAX_BATCH_BYTES) {
                Frame frame = next.get(least);
                String channel = subscriptions.get(least).channel();
                SseFrames.replaceIds(frame.bytes(), id -> MergedStreamId.ofPlace(channel, frame.seq()), out);
                next.set(least, subscriptions.get(least).pollFrame());
                endIfClosed(least);
            }
            if (least < 0) {
                return;
            }
        }
    }

    private boolean holdsFrames() {
        // A loop, not a stream: this runs on every poll that found nothing to write.
        for (Frame frame : next) {
            if (frame != null) {
                return true;
            }
        }
        return false;
    }

    /** Takes the next frame of each channel that has none waiting. */
    private void take() {
        for (int i = 0; i < next.size(); i++) {
            if (next.get(i) == null) {
                next.set(i, subscriptions.get(i).pollFrame());
                endIfClosed(i);
            }
        }
    }

    /** The channel whose waiting frame comes first (a control frame, which has no place, at once), or -1. */
    private int least() {
        int least = -1;
        for (int i = 0; i < next.size(); i++) {
            if (next.get(i) != null && (least < 0 || next.get(i).seq() < next.get(least).seq())) {
                least = i;
            }
        }
        return least;
    }

    /** One channel ended (closed, or the server stops): the stream ends after what the others had. */
    private void endIfClosed(int channel) {
        if (next.get(channel) == null && subscriptions.get(channel).closeReason() != null) {
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
        onAbort.add(action);
        subscriptions.forEach(subscription -> subscription.onAbort(action));
    }

    @Override
    public void abort() {
        // Every subscription was given the same actions: cutting the one connection.
        if (subscriptions.isEmpty()) {
            onAbort.forEach(Runnable::run);
        } else {
            subscriptions.getFirst().abort();
        }
    }

    @Override
    public synchronized void leave(Hub hub) {
        left = true;
        unwatch.run();
        subscriptions.forEach(hub::unsubscribe);
        abandonJoined();
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
