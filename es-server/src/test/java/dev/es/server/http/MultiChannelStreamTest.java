package dev.es.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.es.common.Event;
import dev.es.common.MergedStreamId;
import dev.es.server.ServerSettings;
import dev.es.server.testing.RunningHub;
import dev.es.server.testing.SseRecorder;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Several channels on one stream, named or by prefix, resumed with one Last-Event-ID. */
class MultiChannelStreamTest {

    @RegisterExtension
    final RunningHub hub = RunningHub.with(this::settings);

    /** The hub's settings; {@link MultiChannelStreamOnDiskTest} keeps its history on disk. */
    ServerSettings.Builder settings(ServerSettings.Builder settings) {
        return settings;
    }

    @Test
    void eventsOfEveryChannelComeOnOneStreamEachSayingItsChannel() throws Exception {
        try (SseRecorder both = SseRecorder.open(hub.api().url("/_es/v1/stream?channel=a&channel=b"))) {
            assertEquals(200, both.status());
            hub.api().awaitConsumers("a", 1);
            hub.api().awaitConsumers("b", 1);
            hub.server().publish("a", new Event(null, "greeting", "to a", null));
            hub.server().publish("b", Event.of("to b"));
            hub.server().publish("c", Event.of("not followed"));
            SseRecorder.Item first = both.nextEvent();
            assertEquals("to a", first.data());
            assertEquals("greeting", first.type(), "the event's own fields are untouched");
            assertTrue(first.id().matches("c=a&@=[0-9]+"), "its channel and its place in the hub's order: " + first.id());
            SseRecorder.Item second = both.nextEvent();
            assertEquals("to b", second.data());
            assertTrue(second.id().matches("c=b&@=[0-9]+"), second.id());
            hub.server().publish("a", Event.of("marker"));
            assertEquals("marker", both.nextEvent().data(), "nothing of c came between");
        }
    }

    @Test
    void aReconnectWithTheLastEventIdResumesEveryChannelWithNoGapAndNoDuplicate() throws Exception {
        String lastSeen = lastIdOfAStreamOnAAndBThatSaw("a1", "b1");
        hub.server().publish("a", Event.of("a2"));
        hub.server().publish("b", Event.of("b2"));
        hub.server().publish("a", Event.of("a3"));
        try (SseRecorder again = SseRecorder.open(hub.api().url("/_es/v1/stream?channel=a&channel=b"), "Last-Event-ID", lastSeen)) {
            List<String> got = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                got.add(again.nextEvent().data());
            }
            assertEquals(List.of("a2", "a3", "b2"), got.stream().sorted().toList(), "exactly what was missed");
            assertTrue(got.indexOf("a2") < got.indexOf("a3"), "each channel in its order: " + got);
            hub.server().publish("b", Event.of("b3"));
            again.assertData("b3");
        }
    }

    @Test
    void aChannelThatHadNoEventWhenTheStreamOpenedIsResumedFromItsFirst() throws Exception {
        String lastSeen = lastIdOfAStreamOnAAndBThatSaw("a1");
        hub.server().publish("b", Event.of("b1"));
        try (SseRecorder again = SseRecorder.open(hub.api().url("/_es/v1/stream?channel=a&channel=b"), "Last-Event-ID", lastSeen)) {
            again.assertData("b1");
            hub.server().publish("a", Event.of("a2"));
            again.assertData("a2");
        }
    }

    @Test
    void longIdsLeaveTheStreamsIdShortAndResumeExactly() throws Exception {
        String lastSeen;
        try (SseRecorder first = SseRecorder.open(hub.api().url("/_es/v1/stream?channel=a&channel=b&channel=c"))) {
            hub.api().awaitConsumers("c", 1);
            for (String channel : List.of("a", "b", "c")) {
                hub.server().publish(channel, new Event(channel.repeat(Event.MAX_ID_LENGTH), null, channel + "1", null));
            }
            for (int i = 0; i < 3; i++) {
                first.nextEvent();
            }
            hub.server().publish("a", new Event("a".repeat(Event.MAX_ID_LENGTH - 1), null, "a2", null));
            SseRecorder.Item last = first.nextEvent();
            assertEquals("a2", last.data());
            lastSeen = last.id();
        }
        assertTrue(lastSeen.length() < 100, "three ids of 1,024 characters, and the stream's id is " + lastSeen);
        hub.api().awaitConsumers("a", 0);
        hub.server().publish("b", Event.of("b2"));
        hub.server().publish("a", Event.of("a3"));
        String resumedId;
        try (SseRecorder again = SseRecorder.open(hub.api().url("/_es/v1/stream?channel=a&channel=b&channel=c"), "Last-Event-ID", lastSeen)) {
            assertEquals(200, again.status());
            List<SseRecorder.Item> got = List.of(again.nextEvent(), again.nextEvent());
            assertEquals(List.of("a3", "b2"), got.stream().map(SseRecorder.Item::data).sorted().toList(), "exactly what was missed");
            resumedId = got.getLast().id();
        }
        // Resumed again before c's next event: c's position is still the digest the stream came back with.
        hub.api().awaitConsumers("a", 0);
        hub.server().publish("c", Event.of("c2"));
        try (SseRecorder third = SseRecorder.open(hub.api().url("/_es/v1/stream?channel=a&channel=b&channel=c"), "Last-Event-ID", resumedId)) {
            third.assertData("c2");
        }
    }

    @Test
    void aStreamsIdIsAsShortForManyLongNamedChannelsAsForOne() throws Exception {
        for (int i = 0; i < 100; i++) {
            hub.server().publish("long-" + "x".repeat(150) + i, Event.of("created"));
        }
        try (SseRecorder all = SseRecorder.open(hub.api().url("/_es/v1/stream?channel=long-*"), "Last-Event-ID",
                MergedStreamId.ofPlace("long-" + "x".repeat(150) + 0, 0))) {
            assertEquals(200, all.status());
            for (int i = 0; i < 100; i++) {
                SseRecorder.Item replayed = all.nextEvent();
                assertEquals("created", replayed.data());
                assertTrue(replayed.id().length() < 200, "one place, not 100 positions: " + replayed.id());
            }
        }
    }

    @Test
    void reconnectsWhileSeveralChannelsArePublishedToAtOnceSeeEveryEventOnceInEachChannelsOrder() throws Exception {
        List<String> channels = List.of("x", "y", "z");
        int each = 200;
        List<Thread> publishers = new ArrayList<>();
        Map<String, List<String>> seen = new HashMap<>();
        SseRecorder sub = SseRecorder.open(hub.api().url("/_es/v1/stream?channel=x&channel=y&channel=z"));
        hub.api().awaitConsumers("z", 1);
        for (String channel : channels) {
            publishers.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < each; i++) {
                    hub.server().publish(channel, Event.of(channel + i));
                }
            }));
        }
        int total = 0;
        String lastId = null;
        // Reconnect after every 25 events, while the publishers go on.
        while (total < channels.size() * each) {
            for (int i = 0; i < 25 && total < channels.size() * each; i++, total++) {
                SseRecorder.Item event = sub.nextEvent();
                seen.computeIfAbsent(event.data().substring(0, 1), c -> new ArrayList<>()).add(event.data());
                lastId = event.id();
            }
            sub.close();
            sub = SseRecorder.open(hub.api().url("/_es/v1/stream?channel=x&channel=y&channel=z"), "Last-Event-ID", lastId);
        }
        sub.close();
        for (Thread publisher : publishers) {
            publisher.join();
        }
        for (String channel : channels) {
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < each; i++) {
                expected.add(channel + i);
            }
            assertEquals(expected, seen.get(channel), "no gap, no duplicate, in order, in " + channel);
        }
    }

    /**
     * Opens a stream on a and b, publishes the data given (a1 to a, b1 to b), takes them and closes: the last
     * event's id, once the stream has left.
     */
    private String lastIdOfAStreamOnAAndBThatSaw(String... data) throws Exception {
        String lastSeen = null;
        try (SseRecorder first = SseRecorder.open(hub.api().url("/_es/v1/stream?channel=a&channel=b"))) {
            hub.api().awaitConsumers("b", 1);
            for (String each : data) {
                hub.server().publish(each.substring(0, 1), Event.of(each));
            }
            for (String each : data) {
                SseRecorder.Item item = first.nextEvent();
                assertEquals(each, item.data());
                lastSeen = item.id();
            }
        }
        hub.api().awaitConsumers("a", 0);
        return lastSeen;
    }

    @Test
    void aPrefixFollowsTheChannelsThatStartWithIt() throws Exception {
        hub.server().publish("news-sport", Event.of("old"));
        hub.server().publish("news-world", Event.of("old"));
        hub.server().publish("weather", Event.of("old"));
        try (SseRecorder news = SseRecorder.open(hub.api().url("/_es/v1/stream?channel=news-*"))) {
            hub.api().awaitConsumers("news-world", 1);
            assertEquals(0, hub.server().consumerCount("weather"));
            hub.server().publish("news-world", Event.of("world news"));
            hub.server().publish("weather", Event.of("rain"));
            hub.server().publish("news-sport", Event.of("sport news"));
            // Each channel in its order; between channels, in whatever order the writer finds them.
            List<String> got = List.of(news.nextEvent().data(), news.nextEvent().data());
            assertEquals(List.of("sport news", "world news"), got.stream().sorted().toList());
        }
    }

    @Test
    void aPrefixFollowsChannelsMadeAfterItOpenedEachFromItsFirstEventAndResumesExactly() throws Exception {
        String afterOne;
        try (SseRecorder later = SseRecorder.open(hub.api().url("/_es/v1/stream?channel=later-*"))) {
            assertEquals(200, later.status(), "nothing matches yet, and that is no error");
            hub.server().publish("later-1", Event.of("one"));
            hub.server().publish("elsewhere", Event.of("not followed"));
            hub.server().publish("later-2", Event.of("two"));
            hub.server().publish("later-1", Event.of("three"));
            SseRecorder.Item one = later.nextEvent();
            assertEquals("one", one.data());
            assertEquals("later-1", MergedStreamId.channel(one.id()));
            afterOne = one.id();
            // In the hub's order, across the channels made later too.
            later.assertData("two", "three");
        }
        try (SseRecorder resumed = SseRecorder.open(hub.api().url("/_es/v1/stream?channel=later-*"), "Last-Event-ID", afterOne)) {
            assertEquals("exact", resumed.headers().firstValue("Es-Replay").orElseThrow());
            resumed.assertData("two", "three");
        }
    }

    @Test
    void aPrefixStreamThatWouldFollowMoreThanItMayEndsAndItsReconnectSaysWhy() throws Exception {
        try (SseRecorder many = SseRecorder.open(hub.api().url("/_es/v1/stream?channel=many-*"))) {
            for (int i = 0; i <= StreamHandler.MAX_MERGED; i++) {
                hub.server().publish("many-" + i, Event.of("event " + i));
            }
            many.awaitEnd();
        }
        HttpResponse<String> again = hub.api().send(hub.api().request("/_es/v1/stream?channel=many-*").GET());
        assertEquals(400, again.statusCode());
        assertTrue(again.body().contains("one stream follows at most " + StreamHandler.MAX_MERGED), again.body());
    }

    @Test
    void badOrMissingChannelsAreClearRefusals() throws Exception {
        assertEquals(404, SseRecorder.open(hub.api().url("/_es/v1/stream")).status());
        assertEquals(400, SseRecorder.open(hub.api().url("/_es/v1/stream?channel=Bad%20Name")).status());
        assertEquals(400, SseRecorder.open(hub.api().url("/_es/v1/stream?channel=all")).status());
    }
}
