package dev.es.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.es.common.Event;
import dev.es.server.broker.Broker;
import dev.es.server.hub.HistoryPage;
import dev.es.server.hub.Hub;
import dev.es.server.hub.HubLimits;
import dev.es.server.hub.Subscription;
import dev.es.server.testing.Eventually;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The history log as a restarted hub reads it: a real file, closed and opened again (or cut short, or damaged). */
class LogHistoryStoreTest {

    @TempDir
    Path data;

    @Test
    void aRestartNumbersPastEveryPlaceGivenEvenOfEventsForgottenAndWithTheClockBehind() {
        // Places an hour ahead of the clock: as if the clock went back an hour between the two starts.
        long ahead = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now()) + 3_600_000_000L;
        long last = 0;
        try (LogHistoryStore store = LogHistoryStore.open(data, false)) {
            Hub hub = hubOn(store);
            for (int i = 0; i < 3; i++) {
                hub.orderFrom(ahead + i * 1_000_000L);
                last = Long.parseLong(hub.publish("news", Event.of("event " + i)).id());
            }
            hub.close("news");
        }
        try (LogHistoryStore store = LogHistoryStore.open(data, false)) {
            Hub hub = hubOn(store);
            assertEquals(0, hub.localChannels(), "the channel closed is gone from the file");
            long next = Long.parseLong(hub.publish("news", Event.of("after")).id());
            assertTrue(next > last, next + " after " + last);
        }
    }

    /**
     * A start reads no channel's events, only which channels have some: each channel's are read the first time it
     * is asked for (a publish too), and a channel never asked for can still be closed, made again, or expire, on
     * disk too.
     */
    @Test
    void aStartReadsEachChannelsEventsOnlyWhenItIsFirstAskedFor() {
        String first;
        long newest;
        try (LogHistoryStore store = LogHistoryStore.open(data, false)) {
            Hub hub = hubOn(store);
            first = hub.publish("read", Event.of("one")).id();
            hub.publish("read", Event.of("two"));
            hub.publish("published", Event.of("before"));
            hub.publish("closed", Event.of("gone"));
            newest = Long.parseLong(hub.publish("expired", Event.of("old")).id());
        }
        try (LogHistoryStore store = LogHistoryStore.open(data, false)) {
            Hub hub = hubOn(store);
            assertEquals(4, hub.localChannels(), "every channel with history is known at start");
            assertEquals(0, hub.retained(), "and none of its events is read");
            HistoryPage page = hub.history("read", first, 10);
            assertEquals(List.of("two"), texts(page));
            assertTrue(page.resume().exact(), "a resume across the restart is exact");
            assertEquals(2, hub.retained(), "the channel asked for is read, the others are not");

            long next = Long.parseLong(hub.publish("published", Event.of("after")).id());
            assertTrue(next > newest, next + " after " + newest);
            assertEquals(List.of("before", "after"), texts(hub.history("published", null, 10)),
                    "a publish first reads what was kept before it");

            hub.close("closed");
            hub.publish("closed", Event.of("again"));
            // The default TTL is an hour: half an hour on, the channel never read still holds its event.
            hub.expireHistory(System.currentTimeMillis() + Duration.ofMinutes(30).toMillis());
            assertEquals(4, hub.localChannels());
        }
        try (LogHistoryStore store = LogHistoryStore.open(data, false)) {
            Hub hub = hubOn(store);
            assertEquals(List.of("again"), texts(hub.history("closed", null, 10)),
                    "closing a channel never read forgot its old events, not those of the channel made again");
            hub.expireHistory(System.currentTimeMillis() + Duration.ofHours(2).toMillis());
            assertEquals(0, hub.localChannels(), "expired, read or not");
        }
        try (LogHistoryStore store = LogHistoryStore.open(data, false)) {
            assertEquals(0, hubOn(store).localChannels(), "what expired is gone from the file");
        }
    }

    /** A server restarted with a smaller history reads no more than it keeps, and lets the rest go on disk too. */
    @Test
    void aSmallerHistoryAfterARestartReadsOnlyWhatItKeeps() {
        List<String> ids = new ArrayList<>();
        try (LogHistoryStore store = LogHistoryStore.open(data, false)) {
            Hub hub = hubOn(store);
            for (int i = 0; i < 5; i++) {
                ids.add(hub.publish("news", Event.of("event " + i)).id());
            }
        }
        try (LogHistoryStore store = LogHistoryStore.open(data, false)) {
            Hub hub = hubOn(store, 2);
            HistoryPage page = hub.history("news", ids.get(2), 10);
            assertEquals(List.of("event 3", "event 4"), texts(page));
            assertTrue(page.resume().exact(), "after the newest event let go, the resume is exact");
            assertEquals(2, hub.retained());
            assertFalse(hub.history("news", ids.get(1), 10).resume().exact(), "before it, a gap");
        }
        try (LogHistoryStore store = LogHistoryStore.open(data, false)) {
            assertEquals(List.of("event 3", "event 4"), texts(hubOn(store).history("news", null, 10)),
                    "what the smaller history let go is gone from the file");
        }
    }

    /**
     * Past the history budget, what a channel read after a restart is older than anything published since, and
     * goes first: reading cold history never costs the newest events elsewhere.
     */
    @Test
    void pastTheBudgetEventsReadAfterARestartGoBeforeThosePublishedSince() {
        String text = "x".repeat(300);
        try (LogHistoryStore store = LogHistoryStore.open(data, false)) {
            Hub hub = hubOn(store);
            hub.publish("old", Event.of(text + " 1"));
            hub.publish("old", Event.of(text + " 2"));
        }
        try (LogHistoryStore store = LogHistoryStore.open(data, false)) {
            // Room for about three of these events.
            Hub hub = new Hub(Broker.inProcess(), new HubLimits(100, 1 << 20, 3 * 500, HubLimits.DEFAULT_HISTORY_TTL,
                    1 << 20, 100, 100, 100), warning -> {}, store);
            store.restoreChannelsInto(hub);
            hub.publish("new", Event.of(text + " a"));
            hub.publish("new", Event.of(text + " b"));
            // Reading "old" takes the history past its budget, which is shed once the read is answered.
            assertEquals(2, hub.history("old", null, 10).frames().size());
            assertEquals(List.of(text + " 2"), texts(hub.history("old", null, 10)), "the oldest read went first");
            assertEquals(List.of(text + " a", text + " b"), texts(hub.history("new", null, 10)));
        }
    }

    /**
     * Publishes answered from their syncs, with subscribers joining while events wait for the disk: each
     * subscriber gets every event from its first on, once and in order, pending ones live.
     */
    @Test
    void subscribersJoiningWhileEventsArePendingGetEachOnceInOrder() throws Exception {
        try (LogHistoryStore store = LogHistoryStore.open(data, true)) {
            Hub hub = hubOn(store);
            List<CompletableFuture<Event>> published = new ArrayList<>();
            // Each subscriber with the index of the publish just before it joined.
            Map<Subscription, Integer> joined = new LinkedHashMap<>();
            for (int i = 0; i < 300; i++) {
                published.add(hub.publishAsync("news", Event.of("event " + i), null));
                if (i % 30 == 0) {
                    joined.put(hub.subscribe("news", null), i);
                }
            }
            List<String> ids = new ArrayList<>();
            for (CompletableFuture<Event> each : published) {
                ids.add(each.get(10, TimeUnit.SECONDS).id());
            }
            for (Map.Entry<Subscription, Integer> subscriber : joined.entrySet()) {
                List<String> got = new ArrayList<>();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while ((got.isEmpty() || !got.getLast().equals(ids.getLast())) && System.nanoTime() < deadline) {
                    byte[] frames = subscriber.getKey().take(100, TimeUnit.MILLISECONDS);
                    new String(frames, StandardCharsets.UTF_8).lines().filter(line -> line.startsWith("id: "))
                            .forEach(line -> got.add(line.substring(4)));
                }
                assertFalse(got.isEmpty(), "a subscriber that joined before the last publish gets events");
                int from = ids.indexOf(got.getFirst());
                assertTrue(from >= 0 && from <= subscriber.getValue() + 1,
                        "it gets the events still pending when it joined: from " + from + ", joined after " + subscriber.getValue());
                assertEquals(ids.subList(from, ids.size()), got, "every event from its first on, once, in order");
            }
        }
    }

    /** A channel closed while its events wait for the disk keeps none of them, in memory or on disk. */
    @Test
    void aChannelClosedWhileEventsArePendingKeepsNoneOfThem() throws Exception {
        try (LogHistoryStore store = LogHistoryStore.open(data, true)) {
            Hub hub = hubOn(store);
            List<CompletableFuture<Event>> published = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                published.add(hub.publishAsync("news", Event.of("event " + i), null));
            }
            hub.close("news");
            for (CompletableFuture<Event> each : published) {
                assertNotNull(each.get(10, TimeUnit.SECONDS).id(), "accepted, as a publish just before a close");
            }
            assertEquals(0, hub.localChannels());
        }
        try (LogHistoryStore store = LogHistoryStore.open(data, false)) {
            assertEquals(0, hubOn(store).localChannels(), "nothing of the closed channel on disk");
        }
    }

    /**
     * A write cut short at the log's end (the machine stopped mid-write) is cut off at the next start, and what
     * came before it is served; bytes changed inside the log are damage, refused in words naming the file.
     */
    @Test
    void aWriteCutShortIsCutOffAndDamageIsRefused() throws Exception {
        try (LogHistoryStore store = LogHistoryStore.open(data, false)) {
            Hub hub = hubOn(store);
            hub.publish("news", Event.of("one"));
            hub.publish("news", Event.of("two"));
        }
        Path log = data.resolve(LogHistoryStore.FILE_NAME);
        byte[] whole = Files.readAllBytes(log);
        // Cut inside the last record, and zeros after it, as a synced log's blocks written ahead leave.
        Files.write(log, Arrays.copyOf(Arrays.copyOf(whole, whole.length - 5), whole.length + 4096));
        try (LogHistoryStore store = LogHistoryStore.open(data, false)) {
            Hub hub = hubOn(store);
            assertEquals(List.of("one"), texts(hub.history("news", null, 10)), "the event cut short is gone");
            // The last record's bytes but five, not the zeros after them.
            assertTrue(store.cutShortBytes() > 0 && store.cutShortBytes() < 200, "dropped: " + store.cutShortBytes());
            hub.publish("news", Event.of("three"));
        }
        // Zeros alone after the last record (a synced log killed) drop nothing written.
        Files.write(log, new byte[4096], java.nio.file.StandardOpenOption.APPEND);
        try (LogHistoryStore store = LogHistoryStore.open(data, false)) {
            assertEquals(List.of("one", "three"), texts(hubOn(store).history("news", null, 10)),
                    "written after the cut, read back whole");
            assertEquals(0, store.cutShortBytes());
        }
        byte[] intact = Files.readAllBytes(log);
        // A byte of the first event's data, then a bit of its length (which then claims to end past the file's end).
        for (int flipped : new int[] {20, 9}) {
            byte[] damaged = intact.clone();
            damaged[flipped] ^= 0x10;
            Files.write(log, damaged);
            try (LogHistoryStore store = LogHistoryStore.open(data, false)) {
                DataDirectoryException refused = assertThrows(DataDirectoryException.class, () -> hubOn(store));
                assertTrue(refused.getMessage().startsWith(log + " cannot be used as es's history: it is damaged at"
                        + " byte 8 "), refused.getMessage());
            }
            assertEquals(damaged.length, Files.size(log), "a damaged log is left as it is");
        }
    }

    /** A second store on a directory this process holds is refused, and refusing it does not let go of the first's. */
    @Test
    void aSecondStoreOnTheDirectoryIsRefusedAndTheFirstKeepsIt() {
        try (LogHistoryStore first = LogHistoryStore.open(data, false)) {
            for (int i = 0; i < 2; i++) {
                DataDirectoryException refused = assertThrows(DataDirectoryException.class,
                        () -> LogHistoryStore.open(data, false));
                assertTrue(refused.getMessage().contains("is in use by another es serve"), refused.getMessage());
            }
            hubOn(first).publish("news", Event.of("still written"));
        }
        try (LogHistoryStore again = LogHistoryStore.open(data, false)) {
            assertEquals(List.of("still written"), texts(hubOn(again).history("news", null, 10)));
        }
    }

    /** An earlier es's SQLite history is refused, never taken for an empty history. */
    @Test
    void anEarlierEsSqliteHistoryIsRefusedNotIgnored() throws Exception {
        Files.writeString(data.resolve("history.db"), "SQLite format 3");
        DataDirectoryException refused = assertThrows(DataDirectoryException.class, () -> LogHistoryStore.open(data, true));
        assertEquals(data.resolve("history.db") + " cannot be used as es's history: it is an earlier es's SQLite"
                + " history, which this es does not read", refused.getMessage());
    }

    /**
     * A channel closed is forgotten on disk before the close returns: the log as a kill -9 right after it leaves it
     * (copied while the server still runs) holds none of it.
     */
    @Test
    void aChannelClosedIsForgottenOnDiskBeforeTheCloseReturns(@TempDir Path copy) throws Exception {
        try (LogHistoryStore store = LogHistoryStore.open(data, true)) {
            Hub hub = hubOn(store);
            hub.publish("closed", Event.of("gone"));
            hub.publish("kept", Event.of("here"));
            hub.close("closed");
            Files.copy(data.resolve(LogHistoryStore.FILE_NAME), copy.resolve(LogHistoryStore.FILE_NAME));
        }
        try (LogHistoryStore store = LogHistoryStore.open(copy, false)) {
            Hub hub = hubOn(store);
            assertEquals(1, hub.localChannels(), "only the channel not closed");
            assertEquals(List.of("here"), texts(hub.history("kept", null, 10)));
        }
    }

    /**
     * Under a steady load whose history is trimmed all along — four publishers at once, synced, so that compactions
     * swap the log under syncs and appends — the log is compacted: it stays near what is kept, and a restart reads
     * back exactly the events kept, numbering after them.
     */
    @Test
    void aTrimmedLogIsCompactedUnderConcurrentPublishesAndReadsBackWhatIsKept() throws Exception {
        Path log = data.resolve(LogHistoryStore.FILE_NAME);
        String text = "x".repeat(1000);
        int publishers = 4;
        // About 3 compactions' worth of events let go.
        int each = 3 * (int) (LogHistoryStore.COMPACT_PAST_BYTES / 1000) / publishers;
        Map<String, List<String>> newest = new java.util.concurrent.ConcurrentHashMap<>();
        long last;
        try (LogHistoryStore store = LogHistoryStore.open(data, true)) {
            Hub hub = hubOn(store, 5);
            List<CompletableFuture<Void>> runs = new ArrayList<>();
            for (int p = 0; p < publishers; p++) {
                int publisher = p;
                runs.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < each; i++) {
                        String channel = "channel-" + publisher + "-" + i % 3;
                        hub.publish(channel, Event.of(text + " " + i));
                        List<String> kept = newest.computeIfAbsent(channel, name -> new ArrayList<>());
                        kept.add(text + " " + i);
                        if (kept.size() > 5) {
                            kept.removeFirst();
                        }
                    }
                }, command -> Thread.ofPlatform().start(command)));
            }
            for (CompletableFuture<Void> run : runs) {
                run.get(60, TimeUnit.SECONDS);
            }
            last = Long.parseLong(hub.publish("channel-0-0", Event.of(text + " last")).id());
            newest.get("channel-0-0").removeFirst();
            newest.get("channel-0-0").add(text + " last");
            long size = Eventually.poll(() -> Files.size(log), bytes -> bytes < LogHistoryStore.COMPACT_PAST_BYTES,
                    Duration.ofSeconds(10));
            assertTrue(size < LogHistoryStore.COMPACT_PAST_BYTES, "compacted: " + size);
            assertEquals(newest.get("channel-3-1"), texts(hub.history("channel-3-1", null, 10)));
        }
        try (LogHistoryStore store = LogHistoryStore.open(data, false)) {
            Hub hub = hubOn(store, 5);
            assertEquals(publishers * 3, hub.localChannels());
            for (Map.Entry<String, List<String>> channel : newest.entrySet()) {
                assertEquals(channel.getValue(), texts(hub.history(channel.getKey(), null, 10)), channel.getKey());
            }
            long next = Long.parseLong(hub.publish("channel-0-0", Event.of("after")).id());
            assertTrue(next > last, next + " after " + last);
        }
    }

    private static List<String> texts(HistoryPage page) {
        return page.frames().stream().map(LogHistoryStoreTest::data).toList();
    }

    private static String data(byte[] frame) {
        String text = new String(frame, StandardCharsets.UTF_8);
        return text.substring(text.indexOf("data: ") + 6, text.indexOf('\n', text.indexOf("data: ")));
    }

    private static Hub hubOn(LogHistoryStore store) {
        return hubOn(store, 100);
    }

    private static Hub hubOn(LogHistoryStore store, int historyEvents) {
        Hub hub = new Hub(Broker.inProcess(), HubLimits.of(historyEvents, 1 << 20), warning -> {}, store);
        store.restoreChannelsInto(hub);
        return hub;
    }
}
