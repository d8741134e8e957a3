package dev.es.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.es.common.Event;
import dev.es.server.broker.Broker;
import dev.es.server.hub.Hub;
import dev.es.server.hub.HubLimits;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
            assertEquals(0, hub.retained(), "the channel closed is gone from the file");
            long next = Long.parseLong(hub.publish("news", Event.of("after")).id());
            assertTrue(next > last, next + " after " + last);
        }
    }

    private static Hub hubOn(SqliteHistoryStore store) {
        Hub hub = new Hub(Broker.inProcess(), HubLimits.of(100, 1 << 20), warning -> {}, store);
        store.readInto(hub);
        return hub;
    }
}
