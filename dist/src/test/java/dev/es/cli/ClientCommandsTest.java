package dev.es.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.es.common.Event;
import dev.es.server.testing.FreePort;
import dev.es.server.testing.RunningHub;
import dev.es.server.testing.SseRecorder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** publish, subscribe, channels and close as users run them, against a real hub on a free port. */
class ClientCommandsTest {

    private static final String TOKEN = "s3cret";

    @RegisterExtension
    final RunningHub hub = RunningHub.with(s -> s.token(TOKEN));

    private String url() {
        return hub.url().toString();
    }

    private CliRun es(String... args) {
        return CliRun.of(args);
    }

    /** Runs a subscribe in the background; it must end by itself (-n or --timeout). */
    private CompletableFuture<CliRun> subscribe(String... args) throws Exception {
        String[] full = new String[args.length + 3];
        full[0] = "subscribe";
        full[1] = "--url";
        full[2] = url();
        System.arraycopy(args, 0, full, 3, args.length);
        String channel = args[0];
        int before = hub.api().consumers(channel);
        // A thread of its own: the common pool has one worker on two cores, and a subscribe holds it.
        CompletableFuture<CliRun> run = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> run.complete(CliRun.of(full)));
        hub.api().awaitConsumers(channel, before + 1);
        return run;
    }

    @Test
    void publishedEventsArriveInEachFormat() throws Exception {
        CompletableFuture<CliRun> plain = subscribe("news", "-n", "2");
        CompletableFuture<CliRun> json = subscribe("news", "-n", "2", "--json");
        CompletableFuture<CliRun> sse = subscribe("news", "-n", "2", "--sse");
        CompletableFuture<CliRun> nul = subscribe("news", "-n", "2", "-0");
        assertEquals(0, es("publish", "--url", url(), "--token", TOKEN, "--id", "7", "--event", "greeting", "news", "two\nlines").exitCode());
        assertEquals(0, es("publish", "--url", url(), "--token", TOKEN, "--id", "8", "news", "plain").exitCode());
        assertEquals(new CliRun(0, "two\nlines\nplain\n", ""), plain.get(10, TimeUnit.SECONDS));
        assertEquals(new CliRun(0,
                "{\"channel\":\"news\",\"id\":\"7\",\"event\":\"greeting\",\"data\":\"two\\nlines\"}\n"
                        + "{\"channel\":\"news\",\"id\":\"8\",\"event\":null,\"data\":\"plain\"}\n", ""),
                json.get(10, TimeUnit.SECONDS));
        assertEquals(new CliRun(0, "id: 7\nevent: greeting\ndata: two\ndata: lines\n\nid: 8\ndata: plain\n\n", ""),
                sse.get(10, TimeUnit.SECONDS));
        assertEquals(new CliRun(0, "two\nlines\0plain\0", ""), nul.get(10, TimeUnit.SECONDS));
    }

    @Test
    void oneEventGoesToSeveralChannelsBeforeDashDashAndUnquotedWordsAreAMistake() throws Exception {
        CompletableFuture<CliRun> u1 = subscribe("u1", "-n", "1");
        CompletableFuture<CliRun> u2 = subscribe("u2", "-n", "1");
        CliRun several = es("publish", "--url", url(), "--token", TOKEN, "--id", "n1", "u1", "u2", "--",
                "Your export is ready");
        assertEquals(new CliRun(0, "u1 n1\nu2 n1\n", ""), several);
        assertEquals(new CliRun(0, "Your export is ready\n", ""), u1.get(10, TimeUnit.SECONDS));
        assertEquals(new CliRun(0, "Your export is ready\n", ""), u2.get(10, TimeUnit.SECONDS));

        CliRun words = es("publish", "--url", url(), "--token", TOKEN, "ch", "hello", "world");
        assertEquals(2, words.exitCode());
        assertTrue(words.err().startsWith("es: too many words: quote data of several words (es publish ch 'hello world');"
                + " to publish to several channels: es publish ch hello -- DATA\n"), words.err());
        CliRun badName = es("publish", "--url", url(), "--token", TOKEN, "u1", "Bad Name", "--", "x");
        assertEquals(2, badName.exitCode());
        assertTrue(badName.err().startsWith("es: 'Bad Name' is not a channel"), badName.err());
    }

    @Test
    void subscribeFollowsSeveralChannelsOnOneStreamAndEachLineNamesItsChannel() throws Exception {
        CompletableFuture<CliRun> both = subscribe("left", "right", "-n", "2", "--json");
        hub.api().awaitConsumers("right", 1);
        hub.server().publish("left", Event.of("to the left"));
        hub.server().publish("right", Event.of("to the right"));
        CliRun run = both.get(10, TimeUnit.SECONDS);
        assertEquals(0, run.exitCode(), run.err());
        List<String> lines = run.out().lines().toList();
        assertEquals(2, lines.size(), run.out());
        assertTrue(lines.stream().anyMatch(line -> line.startsWith("{\"channel\":\"left\",") && line.contains("\"data\":\"to the left\",\"streamId\":\"c=left&")),
                run.out());
        assertTrue(lines.stream().anyMatch(line -> line.startsWith("{\"channel\":\"right\",") && line.contains("\"data\":\"to the right\",\"streamId\":\"c=right&")),
                run.out());
    }

    @Test
    void subscribeResumesAfterTheLastEventIdGiven() throws Exception {
        for (String id : new String[] {"1", "2", "3"}) {
            hub.server().publish("feed", new Event(id, null, "event " + id, null));
        }
        CliRun resumed = es("subscribe", "--url", url(), "feed", "--last-event-id", "1", "-n", "2");
        assertEquals(new CliRun(0, "event 2\nevent 3\n", ""), resumed);
    }

    @Test
    void subscribeReconnectsAndMissesNothingWhenTheStreamDrops() throws Exception {
        CompletableFuture<CliRun> follower = subscribe("drops", "-n", "3");
        hub.server().publish("drops", Event.of("before"));
        // Close the channel: the stream ends, the client waits the hub's retry time and reconnects with
        // Last-Event-ID; what is published meanwhile is kept in the new channel's history and replayed.
        hub.server().close("drops");
        hub.server().publish("drops", Event.of("meanwhile"));
        hub.server().publish("drops", Event.of("after"));
        // The closed channel's history went with it, so the hub cannot tell that nothing was missed: it says so.
        CliRun run = follower.get(20, TimeUnit.SECONDS);
        assertEquals(0, run.exitCode());
        assertEquals("before\nmeanwhile\nafter\n", run.out());
        // Losing the stream and being back are said once each, whoever reads stderr.
        assertTrue(run.err().matches("es: lost the stream; reconnecting \\(first attempt in [0-9.]+ s\\)\n"
                + "es: back: connected to " + hub.url().resolve("/drops") + "\n"
                + "es: drops: resumed after [0-9]+, which the hub does not hold: .*\n"), run.err());
    }

    @Test
    void historyPrintsWhatTheChannelRetainsAndExits() throws Exception {
        for (String id : new String[] {"1", "2", "3"}) {
            hub.server().publish("told", new Event(id, null, "event " + id, null));
        }
        String[] told = {"history", "--url", url(), "--token", TOKEN, "told"};
        assertEquals(new CliRun(0, "event 1\nevent 2\nevent 3\n", ""), es(told));
        assertEquals(new CliRun(0, "event 3\n", ""), es(with(told, "--after", "2")));
        assertEquals(new CliRun(0, "{\"channel\":\"told\",\"id\":\"1\",\"event\":null,\"data\":\"event 1\"}\n", ""),
                es(with(told, "-n", "1", "--json")));
        assertEquals(new CliRun(0, "", "es: told: the hub no longer holds all that came after nope\n"),
                es(with(told, "--after", "nope")));
        assertEquals(6, es(with(told, "--after", "nope", "--no-gaps")).exitCode());
        assertEquals(4, es("history", "--url", url(), "told").exitCode(), "the hub's token is needed");
    }

    private static String[] with(String[] command, String... more) {
        String[] all = java.util.Arrays.copyOf(command, command.length + more.length);
        System.arraycopy(more, 0, all, command.length, more.length);
        return all;
    }

    @Test
    void aResumeWithAGapIsSaidOnStderrAndNoGapsExitsSix() throws Exception {
        for (String id : new String[] {"1", "2"}) {
            hub.server().publish("gappy", new Event(id, null, "event " + id, null));
        }
        CliRun told = es("subscribe", "--url", url(), "gappy", "--last-event-id", "nope", "--timeout", "300ms", "--json");
        assertEquals(new CliRun(124, "{\"channel\":\"gappy\",\"gap\":{\"lastEventId\":\"nope\",\"resumedAfter\":\"2\"}}\n",
                "es: gappy: resumed after nope, but the hub no longer holds what came between it and 2\n"), told);
        CliRun strict = es("subscribe", "--url", url(), "gappy", "--last-event-id", "0", "--no-gaps");
        assertEquals(6, strict.exitCode(), strict.toString());
        assertEquals("", strict.out(), "nothing printed past the gap");
    }

    @Test
    void subscribeWithATimeoutAndNoEventExits124() {
        CliRun quiet = es("subscribe", "--url", url(), "quiet", "--timeout", "300ms");
        assertEquals(new CliRun(124, "", ""), quiet);
    }

    @Test
    void subscribeWithNoReconnectExitsWhenTheChannelCloses() throws Exception {
        CompletableFuture<CliRun> follower = subscribe("closing", "--no-reconnect");
        assertEquals(new CliRun(0, "", ""), es("close", "--url", url(), "--token", TOKEN, "closing"));
        assertEquals(new CliRun(0, "", ""), follower.get(10, TimeUnit.SECONDS));
    }

    @Test
    void aRefusedTokenSaysWhereItCameFromAndExits4() {
        assertEquals(new CliRun(4, "", "es: token from --token was refused\n"),
                es("publish", "--url", url(), "--token", "wrong", "ch", "x"));
        assertEquals(new CliRun(4, "", "es: the hub requires a token: pass --token, set ES_TOKEN, or run 'es config set token TOKEN'\n"),
                es("close", "--url", url(), "ch"));
    }

    @Test
    void aHubThatIsDownIsOneLineAndExit5() {
        String url = url();
        hub.server().stop();
        CliRun down = es("publish", "--url", url, "--token", TOKEN, "ch", "x");
        assertEquals(5, down.exitCode());
        assertEquals("es: cannot reach " + url + " (connection refused); is 'es serve' running there?\n", down.err());
    }

    @Test
    void aNameThatIsNotAChannelIsAUsageErrorBeforeAnyRequest() throws Exception {
        String down = "http://127.0.0.1:" + FreePort.pick();
        String rule = "channel names use a-z, 0-9, '-' and '_', at most 200 of them";
        for (List<String> args : List.of(List.of("publish", "Bad Name", "x"), List.of("close", "UP"),
                List.of("subscribe", "a/b"), List.of("subscribe", "ok", "News*"))) {
            List<String> argv = new ArrayList<>(args);
            argv.addAll(List.of("--url", down));
            CliRun refused = es(argv.toArray(String[]::new));
            String name = args.getLast().equals("x") ? args.get(1) : args.getLast();
            assertEquals(2, refused.exitCode(), refused.err());
            assertTrue(refused.err().startsWith("es: '" + name + "' is not a channel: " + rule + "\n"), refused.err());
        }
        CliRun all = es("subscribe", "all", "--url", down);
        assertEquals(2, all.exitCode());
        assertTrue(all.err().startsWith("es: channel 'all' is reserved for publishing to every channel\n"), all.err());
    }

    @Test
    void theHubsRefusalIsShownAsItsMessage() {
        for (int i = 0; i <= 100; i++) {
            hub.server().publish("wide-" + i, Event.of("one of many"));
        }
        assertEquals(new CliRun(1, "", "es: the hub answered 400: 101 channels: one stream follows at most 100\n"),
                es("subscribe", "--url", url(), "--token", TOKEN, "wide-*"));
        CliRun injected = es("publish", "--url", url(), "--token", TOKEN, "--event", "a\nb", "ch", "x");
        assertEquals(2, injected.exitCode());
        assertTrue(injected.err().startsWith("es: event must not contain CR, LF or NUL\n"), injected.err());
    }

    @Test
    void publishVerbosePrintsTheStoredId() {
        assertEquals(new CliRun(0, "42\n", ""), es("publish", "--verbose", "--url", url(), "--token", TOKEN, "--id", "42", "ch", "x"));
    }

    @Test
    void channelsListsNamesWhenPipedAsJsonAndOneChannel() throws Exception {
        try (SseRecorder a = SseRecorder.open(hub.api().url("/alpha"));
                SseRecorder b = SseRecorder.open(hub.api().url("/beta"))) {
            hub.api().awaitConsumers("alpha", 1);
            hub.api().awaitConsumers("beta", 1);
            assertEquals(new CliRun(0, "alpha\nbeta\n", ""), es("channels", "--url", url(), "--token", TOKEN));
            assertEquals(new CliRun(0, "[{\"name\":\"alpha\",\"consumers\":1,\"events\":0,\"lastEventAt\":null},"
                            + "{\"name\":\"beta\",\"consumers\":1,\"events\":0,\"lastEventAt\":null}]\n", ""),
                    es("channels", "--url", url(), "--token", TOKEN, "--json"));
            assertEquals(new CliRun(0, "{\"name\":\"alpha\",\"exists\":true,\"consumers\":1}\n", ""),
                    es("channels", "--url", url(), "--token", TOKEN, "--json", "alpha"));
            assertEquals(new CliRun(7, "gamma\texists=false\tconsumers=0\n", ""),
                    es("channels", "--url", url(), "--token", TOKEN, "gamma"), "a script can test for a channel");
        }
    }

    @Test
    void closeTakesSeveralChannelsOrAll() throws Exception {
        try (SseRecorder a = SseRecorder.open(hub.api().url("/a"));
                SseRecorder b = SseRecorder.open(hub.api().url("/b"));
                SseRecorder c = SseRecorder.open(hub.api().url("/c"))) {
            hub.api().awaitConsumers("c", 1);
            assertEquals(new CliRun(0, "", ""), es("close", "--url", url(), "--token", TOKEN, "a", "b"));
            a.awaitEnd();
            b.awaitEnd();
            // c is still subscribed: it gets the next event.
            hub.server().publish("c", Event.of("still here"));
            c.assertData("still here");
            assertEquals(new CliRun(0, "", ""), es("close", "--url", url(), "--token", TOKEN, "--all"));
            c.awaitEnd();
        }
        CliRun neither = es("close", "--url", url());
        assertEquals(2, neither.exitCode());
        assertTrue(neither.err().startsWith("es: which channels? give names or --all\n"), neither.err());
    }

    @Test
    void aFileThatCannotBeReadIsNamedWithWhy() throws Exception {
        assertEquals(new CliRun(1, "", "es: /nonexistent: no such file\n"),
                es("publish", "--url", url(), "--token", TOKEN, "ch", "-f", "/nonexistent"));
        java.nio.file.Path directory = java.nio.file.Files.createTempDirectory(java.nio.file.Path.of("target"), "dir");
        assertEquals(new CliRun(1, "", "es: " + directory + ": is a directory\n"),
                es("publish", "--url", url(), "--token", TOKEN, "ch", "-f", directory.toString()));
        java.nio.file.Files.delete(directory);
        CliRun token = es("serve", "--port", "0", "--token-file", "/nonexistent");
        assertEquals(2, token.exitCode());
        assertTrue(token.err().startsWith("es: cannot read the token file /nonexistent: no such file\n"), token.err());
    }

    @Test
    void watchWithoutATerminalIsRefusedInOneLine() {
        // Tests run with standard input and output that are not a terminal, as a script's are.
        CliRun watch = es("channels", "--url", url(), "--token", TOKEN, "--watch");
        assertEquals(2, watch.exitCode());
        assertTrue(watch.err().startsWith("es: --watch redraws a terminal, and standard input or output is not one"),
                watch.err());
    }

    @Test
    void severalChannelsNameEachEventsChannelAndNulNeverSplitsARecord() throws Exception {
        CompletableFuture<CliRun> named = subscribe("left", "right", "-n", "2");
        CompletableFuture<CliRun> bare = subscribe("left", "right", "-n", "2", "--no-channel-prefix");
        CompletableFuture<CliRun> json = subscribe("left", "right", "-n", "1", "--json");
        hub.api().awaitConsumers("right", 3);
        hub.server().publish("left", new Event("l1", null, "one", null));
        hub.server().publish("right", Event.of("two"));
        assertEquals(new CliRun(0, "left: one\nright: two\n", ""), named.get(10, TimeUnit.SECONDS));
        assertEquals(new CliRun(0, "one\ntwo\n", ""), bare.get(10, TimeUnit.SECONDS));
        // The event's own id, and the stream's, to resume from, under a name of its own.
        String line = json.get(10, TimeUnit.SECONDS).out();
        assertTrue(line.startsWith("{\"channel\":\"left\",\"id\":\"l1\",\"event\":null,\"data\":\"one\",\"streamId\":\"c=left&"),
                line);

        hub.server().publish("nul", new Event("n1", null, "a\0b", null));
        CliRun nul = es("history", "--url", url(), "--token", TOKEN, "nul", "-0");
        assertEquals(new CliRun(1, "", "es: nul: event n1 holds a NUL, which -0 cannot print as one record (--json "
                + "prints it escaped)\n"), nul);
        assertEquals(0, es("history", "--url", url(), "--token", TOKEN, "nul", "-0", "--json").exitCode());
    }

    @Test
    void urlsAndDurationsAsPeopleTypeThem() throws Exception {
        String hostAndPort = hub.url().getHost() + ":" + hub.url().getPort();
        assertEquals(0, es("channels", "--url", hostAndPort, "--token", TOKEN).exitCode(), "http is the default");
        assertEquals(new CliRun(5, "", "es: unknown host 'nosuchhost.invalid'\n"),
                es("publish", "--url", "http://nosuchhost.invalid:8080", "ch", "x"));

        CompletableFuture<CliRun> noLimit = subscribe("zero", "-n", "1", "--timeout", "0");
        hub.server().publish("zero", Event.of("came"));
        assertEquals(new CliRun(0, "came\n", ""), noLimit.get(10, TimeUnit.SECONDS), "--timeout 0 is no limit");
        assertEquals(124, es("subscribe", "--url", url(), "quiet", "--timeout", "0.2s").exitCode());

        // A wrong value is its one line and where to read more, without the synopsis.
        assertEquals(new CliRun(2, "", "es: Invalid value for option '--timeout': '1x' is not a duration: use e.g. 250ms, "
                        + "1.5s, 1m30s or 2h (a bare number is seconds)\nTry 'es subscribe --help' for more information.\n"),
                es("subscribe", "--url", url(), "quiet", "--timeout", "1x"));
    }

    @Test
    void aUsageErrorShowsTheSynopsisAndWhereToReadMore() {
        CliRun missing = es("publish", "--url", url());
        assertEquals(2, missing.exitCode());
        assertEquals("es: Missing required parameter: 'CHANNEL'", missing.err().lines().findFirst().orElseThrow());
        assertTrue(missing.err().contains("es publish ["), missing.err());
        assertTrue(missing.err().endsWith("Try 'es publish --help' for more information.\n"), missing.err());
    }

    @Test
    void aStackTraceOnlyWithVerbose() {
        String down = "http://127.0.0.1:1";
        assertEquals(1, es("publish", "--url", down, "ch", "x").err().lines().count());
        CliRun verbose = es("publish", "--verbose", "--url", down, "ch", "x");
        assertTrue(verbose.err().contains("\tat dev.es.client.EsClient"), verbose.err());
    }
}
