package dev.es.server.http;

import dev.es.server.hub.CloseReason;
import dev.es.server.hub.Hub;
import dev.es.server.hub.Subscription;
import java.util.List;

/** What one stream writes: one channel's subscription, or several channels' merged ({@link MergedFeed}). */
interface Feed {

    /** As {@link Subscription#poll()}: frames ready, an empty array when none (a wake follows), null once ended. */
    byte[] poll();

    /** Why the feed ended on the server's side, or null. */
    CloseReason closeReason();

    /** Runs the action when the feed is cut off (dropped as too slow, or a stop that cannot wait). */
    void onAbort(Runnable action);

    /** Cuts the feed off. */
    void abort();

    /** Leaves the hub. */
    void leave(Hub hub);

    /** The channels it follows. */
    int channels();

    /** Its subscriptions, one per channel. */
    List<Subscription> subscriptions();

    /** One channel: its subscription's frames as they are. */
    static Feed of(Subscription subscription) {
        return new Feed() {
            @Override
            public byte[] poll() {
                return subscription.poll();
            }

            @Override
            public CloseReason closeReason() {
                return subscription.closeReason();
            }

            @Override
            public void onAbort(Runnable action) {
                subscription.onAbort(action);
            }

            @Override
            public void abort() {
                subscription.abort();
            }

            @Override
            public void leave(Hub hub) {
                hub.unsubscribe(subscription);
            }

            @Override
            public int channels() {
                return 1;
            }

            @Override
            public List<Subscription> subscriptions() {
                return List.of(subscription);
            }
        };
    }
}
