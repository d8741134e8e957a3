package dev.es.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.es.cli.testing.EsScript;
import dev.es.server.testing.SseRecorder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code es serve --data DIR}: history on disk, through real processes, a real file and real signals.
 */
class DurableHistoryIT {

    private static final int KILLS = 20;
    private static final int PUBLISHERS = 4;

    @TempDir
    Path dir;

    /**
     * Four publishers run flat out, each on a channel of its own, while the server is killed with SIGKILL at
     * random moments and started again on the same directory, twenty times: every event a publisher got a 201 for
     * is then replayed to a subscriber resuming from before the first, exactly once and in its order, and the ids
     * only grew.
     */
    @Test
    void killedAtRandomMomentsItLosesNoEventItAnswered() throws Exception {
        Path data = dir.resolve("data");
        Map<Integer, List<String>> acknowledged = new ConcurrentHashMap<>();
        Map<Integer, List<Long>> ids = new ConcurrentHashMap<>();
        for (int p = 0; p < PUBLISHERS; p++) {
            acknowledged.put(p, Collections.synchronizedList(new ArrayList<>()));
            ids.put(p, Collections.synchronizedList(new ArrayList<>()));
        }
        Random random = new Random(7);
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                ExecutorService publishers = Executors.newFixedThreadPool(PUBLISHERS)) {
            for (int kill = 0; kill < KILLS; kill++) {
                try (ServeProcess serve = ServeProcess.start(Map.of(), "--port", "0", "--data", data.toString(),
                        "--data-sync", kill % 2 == 0 ? "full" : "relaxed")) {
                    AtomicBoolean running = new AtomicBoolean(true);
                    List<Future<?>> runs = new ArrayList<>();
                    int round = kill;
                    for (int p = 0; p < PUBLISHERS; p++) {
                        int publisher = p;
                        runs.add(publishers.submit(() -> publishUntilStopped(http, serve.url(), publisher, round, running,
                                acknowledged.get(publisher), ids.get(publisher))));
                    }
                    Thread.sleep(50 + random.nextInt(250));
                    ProcessHandle.of(serve.pid()).orElseThrow().destroyForcibly();
                    serve.awaitExit(10_000);
                    running.set(false);
                    for (Future<?> run : runs) {
                        run.get();
                    }
                }
            }
            try (ServeProcess serve = ServeProcess.start(Map.of(), "--port", "0", "--data", data.toString())) {
                for (int p = 0; p < PUBLISHERS; p++) {
                    List<String> expected = acknowledged.get(p);
                    assertFalse(expected.isEmpty(), "publisher " + p + " got no 201 in " + KILLS + " runs");
                    List<Long> given = ids.get(p);
                    for (int i = 1; i < given.size(); i++) {
                        assertTrue(given.get(i) > given.get(i - 1), "ids went back: " + given);
                    }
                    assertReplayedOnceInOrder(serve.url().resolve("/pub-" + p), expected);
                }
            }
        }
    }

    /** Publishes "ROUND-N" to its channel until told to stop, recording what was answered 201 and its id. */
    private static Void publishUntilStopped(HttpClient http, URI hub, int publisher, int round, AtomicBoolean running,
            List<String> acknowledged, List<Long> ids) {
        for (int n = 0; running.get() && n < 100_000; n++) {
            String data = round + "-" + n;
            try {
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(hub.resolve("/pub-" + publisher))
                        .timeout(Duration.ofSeconds(5))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"data\":\"" + data + "\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 201) {
                    acknowledged.add(data);
                    ids.add(Long.parseLong(answer.body().replaceAll("[^0-9]", "")));
                }
            } catch (IOException e) {
                // Killed under this publish: not answered, so not counted.
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    /**
     * Resumes from before the channel's first event and reads until the last acknowledged one: each acknowledged
     * event once, in order (events stored but not answered, killed in flight, may be among them, once each).
     */
    private static void assertReplayedOnceInOrder(URI channel, List<String> acknowledged) throws Exception {
        List<String> seen = new ArrayList<>();
        String last = acknowledged.getLast();
        try (SseRecorder stream = SseRecorder.open(channel, "Last-Event-ID", "0")) {
            while (seen.isEmpty() || !seen.getLast().equals(last)) {
                seen.add(stream.nextEvent().data());
                assertTrue(seen.size() <= acknowledged.size() * 2 + 1000, "more events than were ever sent");
            }
        }
        assertEquals(seen.size(), seen.stream().distinct().count(), "an event came twice");
        List<String> lost = acknowledged.stream().filter(data -> !seen.contains(data)).toList();
        assertTrue(lost.isEmpty(), "answered 201 but not replayed: " + lost);
        assertEquals(acknowledged, seen.stream().filter(acknowledged::contains).toList(), "in the order answered");
    }

    /** A restart serves the same history and goes on numbering after it: a resume is exact across it. */
    @Test
    void aRestartResumesExactlyAndIdsGoOn() throws Exception {
        Path data = dir.resolve("data");
        List<String> ids = new ArrayList<>();
        try (HttpClient http = HttpClient.newHttpClient()) {
            try (ServeProcess serve = ServeProcess.start(Map.of(), "--port", "0", "--data", data.toString())) {
                for (String event : List.of("one", "two", "three")) {
                    ids.add(publish(http, serve.url().resolve("/news"), event));
                }
                ProcessHandle.of(serve.pid()).orElseThrow().destroy();
                serve.awaitExit(10_000);
            }
            try (ServeProcess serve = ServeProcess.start(Map.of(), "--port", "0", "--data", data.toString())) {
                assertTrue(serve.firstLine().contains("history of 1 channels found"), serve.firstLine());
                try (SseRecorder resumed = SseRecorder.open(serve.url().resolve("/news"), "Last-Event-ID", ids.getFirst())) {
                    resumed.assertData("two", "three");
                    String next = publish(http, serve.url().resolve("/news"), "four");
                    assertTrue(Long.parseLong(next) > Long.parseLong(ids.getLast()), next + " after " + ids);
                    resumed.assertData("four");
                }
                // A channel closed is gone from the disk too.
                assertEquals(200, http.send(HttpRequest.newBuilder(serve.url().resolve("/news")).DELETE().build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode());
                ProcessHandle.of(serve.pid()).orElseThrow().destroy();
                serve.awaitExit(10_000);
            }
            try (ServeProcess serve = ServeProcess.start(Map.of(), "--port", "0", "--data", data.toString())) {
                assertTrue(serve.firstLine().contains("history of 0 channels found"), serve.firstLine());
            }
        }
    }

    /**
     * A disk that fills: publishes are answered 503 with Retry-After and delivered to no one, the stream goes on,
     * and once there is room again publishing works. The server runs in a mount namespace of its own (unshare)
     * with its data directory on a 4 MiB tmpfs that a filler file nearly fills; a line on the shell's standard
     * input removes the filler.
     */
    @Test
    void aFullDiskRefusesPublishesUntilThereIsRoomAgain() throws Exception {
        Path es = EsScript.writeTo(dir);
        Path small = Files.createDirectories(dir.resolve("small"));
        String script = "mount -t tmpfs -o size=4m tmpfs '" + small + "' && head -c 3500000 /dev/zero >'" + small
                + "/filler' && { '" + es + "' serve --port 0 --data '" + small + "/data' & read -r _; rm '" + small
                + "/filler'; read -r _; kill %1; wait; }";
        Process shell = new ProcessBuilder("unshare", "-r", "-m", "bash", "-c", script)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (HttpClient http = HttpClient.newHttpClient();
                PrintStream stdin = new PrintStream(shell.getOutputStream(), true, StandardCharsets.UTF_8)) {
            String first = new BufferedReader(new InputStreamReader(shell.getInputStream(),
                    StandardCharsets.UTF_8)).readLine();
            assertTrue(first != null && first.contains("listening on "), "es serve did not start: " + first);
            URI hub = URI.create(first.replaceAll(".*listening on (\\S+),.*", "$1"));
            String big = "x".repeat(100_000);
            try (SseRecorder stream = SseRecorder.open(hub.resolve("/full"))) {
                HttpResponse<String> answer = null;
                int accepted = 0;
                for (int i = 0; i < 100; i++) {
                    answer = post(http, hub.resolve("/full"), big);
                    if (answer.statusCode() != 201) {
                        break;
                    }
                    accepted++;
                }
                assertEquals(503, answer.statusCode(), answer.body());
                assertTrue(answer.headers().firstValue("Retry-After").isPresent());
                assertTrue(answer.body().contains("could not be written"), answer.body());
                for (int i = 0; i < accepted; i++) {
                    assertEquals(big, stream.nextEvent().data());
                }
                stdin.println();
                HttpResponse<String> again = null;
                for (int i = 0; i < 50 && (again == null || again.statusCode() != 201); i++) {
                    Thread.sleep(i == 0 ? 0 : 100);
                    again = post(http, hub.resolve("/full"), "room again");
                }
                assertEquals(201, again.statusCode(), again.body());
                assertEquals("room again", stream.nextEvent().data(), "the refused events were delivered to no one");
            }
            stdin.println();
        } finally {
            // The script stops es serve itself once told; killed first, it would leave es serve running, holding
            // the build's output open. Whatever is still there after the wait goes, children first.
            shell.waitFor(10, TimeUnit.SECONDS);
            shell.descendants().forEach(ProcessHandle::destroyForcibly);
            shell.destroyForcibly();
            shell.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static HttpResponse<String> post(HttpClient http, URI channel, String data) throws Exception {
        return http.send(HttpRequest.newBuilder(channel).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"data\":\"" + data + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** What cannot be used is refused at start, in one line naming it, with exit 1; never a start with no history. */
    @Test
    void aDirectoryThatCannotBeUsedIsRefusedInOneLine() throws Exception {
        Path data = dir.resolve("data");
        try (ServeProcess first = ServeProcess.start(Map.of(), "--port", "0", "--data", data.toString())) {
            assertRefused(data + " is in use by another es serve", "--port", "0", "--data", data.toString());
        }
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertRefused("cannot make the data directory " + file.resolve("data"), "--port", "0", "--data",
                file.resolve("data").toString());
        Path corrupt = dir.resolve("corrupt");
        Files.createDirectories(corrupt);
        Files.write(corrupt.resolve("history.log"), "this is no history, just some text".repeat(200)
                .getBytes(StandardCharsets.UTF_8));
        assertRefused(corrupt.resolve("history.log") + " is not es's history log", "--port", "0", "--data",
                corrupt.toString());
        ServeProcess.Finished both = ServeProcess.run("--port", "0", "--data", data.toString(), "--redis",
                "redis://127.0.0.1:1");
        assertEquals(2, both.exitCode(), both.stderr());
        assertTrue(both.stderr().contains("give one or the other"), both.stderr());
    }

    private static void assertRefused(String expected, String... args) throws Exception {
        ServeProcess.Finished refused = ServeProcess.run(args);
        assertEquals(1, refused.exitCode(), refused.stderr());
        assertEquals(1, refused.stderr().lines().count(), refused.stderr());
        assertTrue(refused.stderr().contains(expected), refused.stderr());
    }

    private static String publish(HttpClient http, URI channel, String data) throws Exception {
        HttpResponse<String> answer = post(http, channel, data);
        assertEquals(201, answer.statusCode(), answer.body());
        return answer.body().replaceAll("[^0-9]", "");
    }
}
