package dev.es.server.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.es.common.ChannelStatus;
import dev.es.common.Event;
import dev.es.server.hub.CloseReason;
import dev.es.server.hub.Hub;
import dev.es.server.hub.HubLimits;
import dev.es.server.hub.Subscription;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every broker promises a hub, run against each of them: {@link InProcessBrokerTest} and
 * {@link RedisBrokerTest}. Deliveries may come on another thread, so every read waits, boundedly.
 */
abstract class BrokerContract {

    static final int HISTORY = 3;

    Hub hub;
    private Broker broker;

    /** A broker on a fresh, empty store. */
    abstract Broker newBroker() throws Exception;

    @BeforeEach
    void startHub() throws Exception {
        broker = newBroker();
        hub = new Hub(broker, HubLimits.of(HISTORY, 1 << 20));
    }

    @AfterEach
    void stopHub() {
        hub.shutdown();
        broker.close();
    }

    @Test
    void everySubscriberGetsEachEventOnceInOrderWithIncreasingIds() throws Exception {
        Subscription first = hub.subscribe("ch", null);
        Subscription second = hub.subscribe("ch", null);
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add(Long.parseLong(hub.publish("ch", Event.of("e" + i)).id()));
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            expected.add("id: " + ids.get(i) + "\ndata: e" + i);
        }
        assertEquals(expected, frames(first, 20));
        assertEquals(expected, frames(second, 20));
        assertEquals(ids.stream().sorted().distinct().toList(), ids, "ids increase");
        String marker = hub.publish("ch", Event.of("marker")).id();
        assertEquals(List.of("id: " + marker + "\ndata: marker"), frames(first, 1), "nothing more before the marker");
    }

    @Test
    void aSubscriberWithALastEventIdGetsExactlyWhatItMissedThatIsRetained() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(hub.publish("ch", Event.of("e" + i)).id());
        }
        Subscription resumed = hub.subscribe("ch", ids.get(2));
        assertEquals(List.of("id: " + ids.get(3) + "\ndata: e3", "id: " + ids.get(4) + "\ndata: e4"), frames(resumed, 2));
        Subscription tooOld = hub.subscribe("ch", ids.get(0));
        assertEquals(3, frames(tooOld, 3).size(), "an id older than the history: all that is retained");
        String live = hub.publish("ch", Event.of("live")).id();
        assertEquals(List.of("id: " + live + "\ndata: live"), frames(resumed, 1), "then live, with no gap");
    }

    @Test
    void aPublishersOwnIdsAreKeptAndTheHubsIdsFollowNumericOnes() throws Exception {
        Subscription sub = hub.subscribe("ch", null);
        assertEquals("text-id", hub.publish("ch", new Event("text-id", "greeting", "hi", 2000L)).id());
        long far = System.currentTimeMillis() * 2_000; // twice the hub's ids (microseconds since the epoch)
        assertEquals(Long.toString(far), hub.publish("ch", new Event(Long.toString(far), null, "far", null)).id());
        long next = Long.parseLong(hub.publish("ch", Event.of("after")).id());
        assertTrue(next > far, next + " follows " + far);
        assertEquals(List.of(
                "id: text-id\nevent: greeting\nretry: 2000\ndata: hi",
                "id: " + far + "\ndata: far",
                "id: " + next + "\ndata: after"), frames(sub, 3));
        assertEquals(1, frames(hub.subscribe("ch", "text-id"), 2).size() - 1, "a text id is found in the history");
    }

    @Test
    void publishingToAllReachesEveryChannel() throws Exception {
        Subscription a = hub.subscribe("a", null);
        Subscription b = hub.subscribe("b", null);
        hub.publish("all", Event.of("to everyone"));
        assertTrue(frames(a, 1).getFirst().endsWith("data: to everyone"));
        assertTrue(frames(b, 1).getFirst().endsWith("data: to everyone"));
    }

    @Test
    void closingDisconnectsSubscribersAndDropsTheHistory() throws Exception {
        Subscription sub = hub.subscribe("ch", null);
        String id = hub.publish("ch", Event.of("before")).id();
        assertEquals(1, frames(sub, 1).size());
        hub.close("ch");
        assertNull(takeUntilClosed(sub), "the subscription ends");
        assertEquals(CloseReason.CHANNEL_CLOSED, sub.closeReason());
        assertEquals(false, hub.channelExists("ch"));
        Subscription again = hub.subscribe("ch", id);
        String secondLife = hub.publish("ch", Event.of("second life")).id();
        assertEquals(List.of("id: " + secondLife + "\ndata: second life"), frames(again, 1), "nothing retained after a close");
        long after = Long.parseLong(secondLife);
        assertTrue(after > Long.parseLong(id), "a channel closed and created again never reuses an id");
    }

    @Test
    void countsAndTheListingShowChannelsWithSubscribersOrHistory() throws Exception {
        hub.subscribe("watched", null);
        hub.subscribe("watched", null);
        hub.publish("kept", Event.of("x"));
        assertEquals(2, hub.consumerCount("watched"));
        assertEquals(0, hub.consumerCount("kept"));
        assertEquals(true, hub.channelExists("kept"));
        assertEquals(false, hub.channelExists("nowhere"));
        assertEquals(List.of("kept", "watched"), hub.channels());
        assertEquals(2, hub.consumerCountAll());
        ChannelStatus kept = hub.statuses().getFirst();
        assertEquals("kept", kept.name());
        assertEquals(1, kept.events());
        assertTrue(kept.lastEventAt() != null);
    }

    /**
     * The next {@code count} frames (without their blank line), waiting at most 5 s for them. That nothing else
     * arrives is shown by publishing a marker and finding it next, not by waiting a while.
     */
    static List<String> frames(Subscription subscription, int count) throws InterruptedException {
        StringBuilder text = new StringBuilder();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline && frameCount(text) < count) {
            byte[] batch = subscription.take(50, TimeUnit.MILLISECONDS);
            if (batch == null) {
                break;
            }
            text.append(new String(batch, StandardCharsets.UTF_8));
        }
        return text.isEmpty() ? List.of() : Arrays.asList(text.toString().split("\n\n"));
    }

    private static int frameCount(CharSequence text) {
        return text.toString().split("\n\n", -1).length - 1;
    }

    /** Takes what is left until the subscription ends; null once it has, within 5 s. */
    private static byte[] takeUntilClosed(Subscription subscription) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        byte[] batch = subscription.take(50, TimeUnit.MILLISECONDS);
        while (batch != null && System.nanoTime() < deadline) {
            batch = subscription.take(50, TimeUnit.MILLISECONDS);
        }
        return batch;
    }
}
