package dev.es.server.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.es.common.Event;
import dev.es.common.MergedStreamId;
import dev.es.server.broker.Broker;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The hub on its own, as an embedding program sees it. */
class HubTest {

    private final Hub hub = new Hub(Broker.inProcess(), HubLimits.of(3, 1024));

    @Test
    void pastTheHistoryBudgetTheHubsOldestEventsGoFirstWhicheverChannelsHoldThem() throws Exception {
        // Room for two of these events, each counted with its overhead.
        String data = "x".repeat(300);
        long oneEvent = ("id: a1\ndata: " + data + "\n\n").length() + HistoryBudget.EVENT_OVERHEAD_BYTES;
        Hub budgeted = new Hub(Broker.inProcess(), new HubLimits(1000, 1 << 20, 2 * oneEvent + 10,
                HubLimits.DEFAULT_HISTORY_TTL, 1 << 20, 100, 100, 100));
        budgeted.publish("a", new Event("a1", null, data, null));
        budgeted.publish("b", new Event("b1", null, data, null));
        budgeted.publish("a", new Event("a2", null, data, null));
        assertEquals("id: a2\ndata: " + data + "\n\n",
                new String(budgeted.subscribe("a", "").take(1, TimeUnit.SECONDS), StandardCharsets.UTF_8), "a1 went first");
        budgeted.publish("c", new Event("c1", null, data, null));
        assertEquals(false, budgeted.channelExists("b"), "b's only event was the oldest, and b is gone with it");
        assertEquals(2, budgeted.historyShed());
        assertEquals(2 * oneEvent, budgeted.historyBytes());
    }

    @Test
    void aSubscriberThatFallsBehindByTheQueueBoundIsClosedAndHoldsNothing() throws Exception {
        Subscription slow = hub.subscribe("ch", null);
        Subscription fast = hub.subscribe("ch", null);
        String data = "x".repeat(300);
        for (int i = 0; i < 5; i++) {
            hub.publish("ch", Event.of(data));
            assertEquals(true, fast.take(1, TimeUnit.SECONDS).length > 300);
        }
        assertEquals(CloseReason.TOO_SLOW, slow.closeReason());
        assertNull(slow.take(0, TimeUnit.SECONDS), "a dropped subscription hands out nothing more");
        assertEquals(1, hub.consumerCount("ch"));
    }

    @Test
    void queuedFramesAreTakenInOneBatch() throws Exception {
        Subscription sub = hub.subscribe("ch", null);
        hub.publish("ch", new Event("a", null, "1", null));
        hub.publish("ch", new Event("b", "t", "2", null));
        assertArrayEquals(
                "id: a\ndata: 1\n\nid: b\nevent: t\ndata: 2\n\n".getBytes(StandardCharsets.UTF_8),
                sub.take(1, TimeUnit.SECONDS));
        assertEquals(0, sub.take(10, TimeUnit.MILLISECONDS).length, "nothing queued: an empty batch for a keepalive");
    }

    /** A stream of several channels carries a long id as its digest: a resume from it replays as from the id. */
    @Test
    void aLongIdsDigestResumesLikeTheIdRetainedOrJustEvicted() throws Exception {
        List<String> ids = List.of("a", "b", "c", "d").stream().map(letter -> letter.repeat(100)).toList();
        for (String id : ids) {
            hub.publish("ch", new Event(id, null, id.substring(0, 1), null));
        }
        // History 3: a's event was evicted last, so a subscriber that saw it missed exactly b, c and d.
        Subscription fromA = hub.subscribe("ch", MergedStreamId.digestOf(ids.get(0)));
        Subscription fromC = hub.subscribe("ch", MergedStreamId.digestOf(ids.get(2)));
        assertEquals(3, new String(fromA.take(1, TimeUnit.SECONDS), StandardCharsets.UTF_8).split("\n\n").length);
        assertEquals("id: " + ids.get(3) + "\ndata: d\n\n", new String(fromC.take(1, TimeUnit.SECONDS), StandardCharsets.UTF_8));
    }

    @Test
    void historyKeepsTheLastEventsOnly() throws Exception {
        for (String id : List.of("1", "2", "3", "4", "5")) {
            hub.publish("ch", new Event(id, null, id, null));
        }
        Subscription fromTwo = hub.subscribe("ch", "2");
        assertArrayEquals(
                "id: 3\ndata: 3\n\nid: 4\ndata: 4\n\nid: 5\ndata: 5\n\n".getBytes(StandardCharsets.UTF_8),
                fromTwo.take(1, TimeUnit.SECONDS));
        Subscription fromOne = hub.subscribe("ch", "1");
        assertArrayEquals(
                "id: 3\ndata: 3\n\nid: 4\ndata: 4\n\nid: 5\ndata: 5\n\n".getBytes(StandardCharsets.UTF_8),
                fromOne.take(1, TimeUnit.SECONDS),
                "id 1 is too old: all that is retained");
        Subscription unknown = hub.subscribe("ch", "no-such-id");
        assertEquals(0, unknown.take(10, TimeUnit.MILLISECONDS).length, "an unknown text id replays nothing");
    }

    @Test
    void closingEndsSubscriptionsAfterWhatWasQueued() throws Exception {
        Subscription sub = hub.subscribe("ch", null);
        hub.publish("ch", Event.of("last words"));
        hub.close("ch");
        assertEquals(CloseReason.CHANNEL_CLOSED, sub.closeReason());
        assertEquals(true, new String(sub.take(1, TimeUnit.SECONDS), StandardCharsets.UTF_8).endsWith("\ndata: last words\n\n"));
        assertNull(sub.take(1, TimeUnit.SECONDS));
        assertEquals(List.of(), hub.channels());
    }

    @Test
    void aHubThatIsShuttingDownTakesNoJoinsAndNoEvents() throws Exception {
        Subscription before = hub.subscribe("ch", null);
        hub.shutdown();
        assertEquals(CloseReason.SHUTDOWN, before.closeReason());
        String last = new String(before.take(1, TimeUnit.SECONDS), StandardCharsets.UTF_8);
        assertEquals(true, last.matches("retry: \\d+\n\n"), "told to come back: " + last);
        assertNull(before.take(1, TimeUnit.SECONDS));
        assertThrows(HubStoppedException.class, () -> hub.subscribe("ch", null));
        assertThrows(HubStoppedException.class, () -> hub.publish("ch", Event.of("late")));
    }

    @Test
    void theReservedChannelCannotBeSubscribedAndNamesAreChecked() {
        assertThrows(InvalidInputException.class, () -> hub.subscribe("all", null));
        assertThrows(InvalidInputException.class, () -> hub.publish("Not Valid", Event.of("x")));
        assertThrows(IllegalArgumentException.class, () -> hub.publish("ch", new Event("a\uD800", null, "x", null)),
                "an id no resume could match: it would reach subscribers as '?'");
        assertThrows(InvalidInputException.class, () -> hub.publish("ch", new Event("i".repeat(Event.MAX_ID_LENGTH + 1), null, "x", null)),
                "an id too long to come back in a header");
    }

    @Test
    void aChannelClosedAndCreatedAgainNeverReusesAnId() {
        long before = Long.parseLong(hub.publish("ch", Event.of("first life")).id());
        hub.close("ch");
        long after = Long.parseLong(hub.publish("ch", Event.of("second life")).id());
        assertEquals(true, after > before, before + " then " + after);
    }
}
