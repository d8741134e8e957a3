package dev.es.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.es.common.Event;
import dev.es.server.broker.Broker;
import dev.es.server.hub.HistoryPage;
import dev.es.server.hub.Hub;
import dev.es.server.hub.HubLimits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The history file as a restarted hub reads it: a real SQLite file, closed and opened again. */
class SqliteHistoryStoreTest {

    @TempDir
    Path data;

    @Test
    void aRestartNumbersPastEveryPlaceGivenEvenOfEventsForgottenAndWithTheClockBehind() {
        // Places an hour ahead of the clock: as if the clock went back an hour between the two starts.
        long ahead = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now()) + 3_600_000_000L;
        long last = 0;
        try (SqliteHistoryStore store = SqliteHistoryStore.open(data, false)) {
            Hub hub = hubOn(store);
            // More than one reservation of places, so that the record is renewed as well as first written.
            for (int i = 0; i < 3; i++) {
                hub.orderFrom(ahead + i * SqliteHistoryStore.PLACES_RESERVED);
                last = Long.parseLong(hub.publish("news", Event.of("event " + i)).id());
            }
            hub.close("news");
        }
        try (SqliteHistoryStore store = SqliteHistoryStore.open(data, false)) {
            Hub hub = hubOn(store);
            assertEquals(0, hub.localChannels(), "the channel closed is gone from the file");
            long next = Long.parseLong(hub.publish("news", Event.of("after")).id());
            assertTrue(next > last, next + " after " + last);
        }
    }

    /**
     * A start reads no channel's events, only which channels have some: each channel's are read the first time it
     * is asked for, and a channel never asked for can still be closed or expire, on disk too.
     */
    @Test
    void aStartReadsEachChannelsEventsOnlyWhenItIsFirstAskedFor() {
        String first;
        try (SqliteHistoryStore store = SqliteHistoryStore.open(data, false)) {
            Hub hub = hubOn(store);
            first = hub.publish("read", Event.of("one")).id();
            hub.publish("read", Event.of("two"));
            hub.publish("closed", Event.of("gone"));
            hub.publish("expired", Event.of("old"));
        }
        try (SqliteHistoryStore store = SqliteHistoryStore.open(data, false)) {
            Hub hub = hubOn(store);
            assertEquals(3, hub.localChannels(), "every channel with history is known at start");
            assertEquals(0, hub.retained(), "and none of its events is read");
            HistoryPage page = hub.history("read", first, 10);
            assertEquals(List.of("two"), page.frames().stream().map(SqliteHistoryStoreTest::data).toList());
            assertTrue(page.resume().exact(), "a resume across the restart is exact");
            assertEquals(2, hub.retained(), "the channel asked for is read, the others are not");
            String next = hub.publish("read", Event.of("three")).id();
            assertTrue(Long.parseLong(next) > Long.parseLong(first), next + " after " + first);

            hub.close("closed");
            // An hour is the default TTL: every event of the channel never read is older than that by then.
            hub.expireHistory(System.currentTimeMillis() + Duration.ofHours(2).toMillis());
            assertEquals(0, hub.localChannels(), "closed, and expired unread, and expired once read");
        }
        try (SqliteHistoryStore store = SqliteHistoryStore.open(data, false)) {
            assertEquals(0, hubOn(store).localChannels(), "what was closed or expired is gone from the file");
        }
    }

    private static String data(byte[] frame) {
        String text = new String(frame, StandardCharsets.UTF_8);
        return text.substring(text.indexOf("data: ") + 6, text.indexOf('\n', text.indexOf("data: ")));
    }

    private static Hub hubOn(SqliteHistoryStore store) {
        Hub hub = new Hub(Broker.inProcess(), HubLimits.of(100, 1 << 20), warning -> {}, store);
        store.readInto(hub);
        return hub;
    }
}
