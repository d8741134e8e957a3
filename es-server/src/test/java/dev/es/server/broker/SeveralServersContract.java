package dev.es.server.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.es.common.Event;
import dev.es.common.Json;
import dev.es.server.EsServer;
import dev.es.server.ServerSettings;
import dev.es.server.testing.ApiClient;
import dev.es.server.testing.Eventually;
import dev.es.server.testing.SseRecorder;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three es servers sharing a real Redis behave as one hub, over real HTTP: on one redis-server
 * ({@link SeveralServersTest}) and on a Redis Cluster ({@link SeveralServersOnAClusterTest}).
 */
abstract class SeveralServersContract {

    final List<EsServer> servers = new ArrayList<>();
    final List<ApiClient> apis = new ArrayList<>();

    /** The URI es serve is given. */
    abstract String redisUri();

    /** Empties the Redis. */
    abstract void emptyRedis() throws Exception;

    @BeforeEach
    void startServers() throws Exception {
        emptyRedis();
        for (int i = 0; i < 3; i++) {
            EsServer server = EsServer.start(ServerSettings.builder().port(0).redis(redisUri()).build());
            servers.add(server);
            apis.add(new ApiClient(server.url(), null));
        }
    }

    @AfterEach
    void stopServers() {
        apis.forEach(ApiClient::close);
        servers.forEach(EsServer::stop);
    }

    /** A resume from an event the shared stream no longer holds says so, on a server that did not see it. */
    @Test
    void aResumeFromAnEventTrimmedFromTheStreamIsAGap() throws Exception {
        try (EsServer small = EsServer.start(ServerSettings.builder().port(0).redis(redisUri()).history(2).build());
                EsServer other = EsServer.start(ServerSettings.builder().port(0).redis(redisUri()).history(2).build())) {
            String first = small.publish("trimmed", Event.of("one")).id();
            small.publish("trimmed", Event.of("two"));
            String third = small.publish("trimmed", Event.of("three")).id();
            small.publish("trimmed", Event.of("four"));
            try (SseRecorder exact = SseRecorder.open(other.url().resolve("/trimmed"), "Last-Event-ID", third)) {
                assertEquals("exact", exact.headers().firstValue("Es-Replay").orElseThrow());
                exact.assertData("four");
            }
            try (SseRecorder gap = SseRecorder.open(other.url().resolve("/trimmed"), "Last-Event-ID", first)) {
                assertEquals("gap", gap.headers().firstValue("Es-Replay").orElseThrow());
                assertEquals("es-gap", gap.nextEvent().type());
                gap.assertData("three", "four");
            }
        }
    }

    /** The events endpoint reads a channel's history on a server that never had it, as a subscriber there would. */
    @Test
    void historyPublishedOnOneServerIsReadOnAnother() throws Exception {
        String first = servers.get(0).publish("kept", Event.of("one")).id();
        servers.get(0).publish("kept", Event.of("two"));
        HttpResponse<String> all = apis.get(2).send(apis.get(2).request("/_es/v1/channels/kept/events"));
        assertEquals(200, all.statusCode());
        assertEquals(List.of("one", "two"), dataOf(all.body()));
        HttpResponse<String> after = apis.get(1).send(apis.get(1).request("/_es/v1/channels/kept/events?after=" + first));
        assertEquals("exact", after.headers().firstValue("Es-Replay").orElseThrow());
        assertEquals(List.of("two"), dataOf(after.body()));
    }

    private static List<String> dataOf(String json) throws Exception {
        List<String> data = new ArrayList<>();
        Json.MAPPER.readTree(json).forEach(event -> data.add(event.get("data").asText()));
        return data;
    }

    @Test
    void aPrefixOnOneServerFollowsChannelsMadeLaterOnAnother() throws Exception {
        try (SseRecorder later = SseRecorder.open(apis.get(1).url("/_es/v1/stream?channel=late-*"))) {
            assertEquals(200, later.status());
            apis.get(0).publish("late-1", "{\"data\":\"first\"}");
            apis.get(2).publish("late-1", "{\"data\":\"second\"}");
            apis.get(0).publish("other", "{\"data\":\"not followed\"}");
            later.assertData("first", "second");
        }
    }

    @Test
    void aPrefixOnOneServerFindsTheChannelsPublishedOnAnother() throws Exception {
        apis.get(0).publish("news-1", "{\"data\":\"one\"}");
        apis.get(0).publish("news-2", "{\"data\":\"two\"}");
        apis.get(0).publish("other", "{\"data\":\"not news\"}");
        try (SseRecorder news = SseRecorder.open(apis.get(1).url("/_es/v1/stream?channel=news-*"), "Last-Event-ID",
                "c=news-1&news-1=&news-2=")) {
            assertEquals(200, news.status());
            assertEquals(List.of("one", "two"), List.of(news.nextEvent().data(), news.nextEvent().data()).stream().sorted().toList());
        }
        apis.get(2).delete("news-1");
        apis.get(2).delete("news-2");
        String listing = apis.get(1).send(apis.get(1).request("/_es/v1/channels")).body();
        assertTrue(!listing.contains("news-"), "closed channels leave the index: " + listing);
    }

    /**
     * With Redis a stream's id names its position in every channel, and must come back in a request header: a
     * stream whose reconnect could not carry its URL, headers and id together is refused when it opens.
     */
    @Test
    void aStreamWhoseIdsCouldNotComeBackInAHeaderIsRefusedWhenItOpens() throws Exception {
        ApiClient api = apis.getFirst();
        for (int i = 0; i < 40; i++) {
            api.publish("long-" + "x".repeat(150) + i, "{\"data\":\"created\"}");
        }
        HttpResponse<String> tooLong = api.send(api.request("/_es/v1/stream?channel=long-*").GET());
        assertEquals(400, tooLong.statusCode());
        assertTrue(tooLong.body().contains("the names of these 40 channels are too long for one stream"), tooLong.body());
        String eleven = "/_es/v1/stream?channel=long-" + "x".repeat(150) + "1*";
        try (SseRecorder some = SseRecorder.open(api.url(eleven))) {
            assertEquals(200, some.status(), "eleven of them fit: " + some.raw());
        }
        // A reconnect sends the headers again too: a browser's token cookie, whose claims may list the channels.
        HttpResponse<String> withCookie = api.send(api.request(eleven).header("Cookie", "es_token=" + "t".repeat(5000)).GET());
        assertEquals(400, withCookie.statusCode(), "eleven do not fit beside a 5,000-character cookie");
    }

    @Test
    void publishesOnAnyServerReachEverySubscriberOnceInOneOrder() throws Exception {
        List<SseRecorder> subscribers = new ArrayList<>();
        for (ApiClient api : apis) {
            subscribers.add(SseRecorder.open(api.url("/feed")));
        }
        apis.getFirst().awaitConsumers("feed", 3);
        int each = 50;
        try (ExecutorService publishers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int p = 0; p < 2; p++) {
                ApiClient api = apis.get(p);
                int publisher = p;
                done.add(publishers.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        assertEquals(201, api.publish("feed", "{\"data\":\"p" + publisher + "-" + i + "\"}").statusCode());
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        List<String> first = null;
        for (SseRecorder subscriber : subscribers) {
            List<String> seen = new ArrayList<>();
            List<Long> ids = new ArrayList<>();
            for (int i = 0; i < 2 * each; i++) {
                SseRecorder.Item event = subscriber.nextEvent();
                seen.add(event.data());
                ids.add(Long.parseLong(event.id()));
            }
            assertEquals(ids.stream().sorted().distinct().toList(), ids, "ids unique and increasing");
            for (int p = 0; p < 2; p++) {
                String prefix = "p" + p + "-";
                List<String> fromOne = seen.stream().filter(d -> d.startsWith(prefix)).toList();
                assertEquals(each, fromOne.size());
                for (int i = 0; i < each; i++) {
                    assertEquals(prefix + i, fromOne.get(i), "each publisher's events in the order it published");
                }
            }
            if (first == null) {
                first = seen;
            } else {
                assertEquals(first, seen, "every server delivers in the one order the events were accepted");
            }
            subscriber.close();
        }
    }

    @Test
    void aClientThatReconnectsToAnotherServerGetsExactlyWhatItMissed() throws Exception {
        String lastSeen;
        try (SseRecorder onFirst = SseRecorder.open(apis.get(0).url("/feed"))) {
            apis.get(0).awaitConsumers("feed", 1);
            apis.get(1).publish("feed", "{\"data\":\"one\"}");
            lastSeen = onFirst.nextEvent().id();
        }
        apis.get(1).publish("feed", "{\"data\":\"two\"}");
        apis.get(0).publish("feed", "{\"data\":\"three\"}");
        try (SseRecorder onThird = SseRecorder.open(apis.get(2).url("/feed"), "Last-Event-ID", lastSeen)) {
            onThird.assertData("two", "three");
            apis.get(1).publish("feed", "{\"data\":\"four\"}");
            onThird.assertData("four");
        }
    }

    @Test
    void countsListingsAndPublishingToAllCoverEveryServer() throws Exception {
        try (SseRecorder a1 = SseRecorder.open(apis.get(0).url("/a"));
                SseRecorder a2 = SseRecorder.open(apis.get(0).url("/a"));
                SseRecorder b = SseRecorder.open(apis.get(1).url("/b"))) {
            apis.get(2).awaitConsumers("a", 2);
            apis.get(2).awaitConsumers("b", 1);
            var all = apis.get(2).head("all");
            assertEquals("3", all.headers().firstValue("X-Consumer-Count").orElseThrow());
            assertEquals("[a,b]", all.headers().firstValue("X-Available-Channels").orElseThrow());
            assertEquals("true", apis.get(2).head("b").headers().firstValue("X-Channel-Exists").orElseThrow());

            assertEquals(201, apis.get(2).publish("all", "{\"data\":\"to everyone\"}").statusCode());
            a1.assertData("to everyone");
            a2.assertData("to everyone");
            b.assertData("to everyone");

            String listing = apis.get(1).send(apis.get(1).request("/_es/v1/channels")).body();
            assertTrue(listing.contains("{\"name\":\"a\",\"consumers\":2,\"events\":1,"), listing);
            assertTrue(listing.contains("{\"name\":\"b\",\"consumers\":1,\"events\":1,"), listing);
        }
    }

    /**
     * A server whose hub forgets a channel (its last subscriber left, and it keeps no history) stops hearing it,
     * so that what it follows does not grow with every channel it ever had; a new subscriber there hears it again.
     */
    @Test
    void aServerStopsHearingAChannelItForgotAndHearsItAgainWhenFollowedAgain() throws Exception {
        try (EsServer forgetful = EsServer.start(ServerSettings.builder().port(0).redis(redisUri()).history(0).build());
                ApiClient api = new ApiClient(forgetful.url(), null)) {
            try (SseRecorder brief = SseRecorder.open(api.url("/brief"))) {
                apis.getFirst().awaitConsumers("brief", 1);
                apis.getFirst().publish("brief", "{\"data\":\"heard\"}");
                brief.assertData("heard");
            }
            apis.getFirst().awaitConsumers("brief", 0);
            long heard = Eventually.poll(() -> received(api), n -> n == 1, Duration.ofSeconds(5));
            assertEquals(1, heard, "the one event it followed");
            for (int i = 0; i < 10; i++) {
                apis.getFirst().publish("brief", "{\"data\":\"unheard\"}");
            }
            try (SseRecorder again = SseRecorder.open(api.url("/brief"))) {
                apis.getFirst().awaitConsumers("brief", 1);
                apis.getFirst().publish("brief", "{\"data\":\"heard again\"}");
                again.assertData("heard again");
            }
            assertEquals(2, received(api), "none of the ten published while it did not follow the channel");
        }
    }

    /** What Redis sent a server: its es_events_received_total. */
    static long received(ApiClient api) throws Exception {
        String metrics = api.send(api.request("/_es/v1/metrics")).body();
        Matcher found = Pattern.compile("(?m)^es_events_received_total (\\S+)$").matcher(metrics);
        assertTrue(found.find(), "es_events_received_total in " + metrics);
        return (long) Double.parseDouble(found.group(1));
    }

    @Test
    void deletingAChannelOnOneServerDisconnectsItsSubscribersOnAll() throws Exception {
        try (SseRecorder onFirst = SseRecorder.open(apis.get(0).url("/doomed"));
                SseRecorder onSecond = SseRecorder.open(apis.get(1).url("/doomed"))) {
            apis.get(2).awaitConsumers("doomed", 2);
            assertEquals(200, apis.get(2).delete("doomed").statusCode());
            onFirst.awaitEnd();
            onSecond.awaitEnd();
            apis.get(2).awaitConsumers("doomed", 0);
            assertEquals("false", apis.get(0).head("doomed").headers().firstValue("X-Channel-Exists").orElseThrow());
        }
    }
}
