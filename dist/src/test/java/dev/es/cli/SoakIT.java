package dev.es.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.es.common.Durations;
import dev.es.common.SseParser;
import dev.es.server.testing.ApiClient;
import dev.es.server.testing.Eventually;
import dev.es.server.testing.Programs;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The soak tool: an es serve process under subscribers that join and leave, steady subscribers and a publisher,
 * for {@code -Des.soak.duration} (one minute in CI; ten by hand, with the command in BENCHMARKS.md, "Soak").
 * At the end the server's heap after a full GC, its threads, its open files and its subscriber count are back
 * near where they started, and every steady subscriber saw
 * every event of its channel, in order. Loopback only; every loop is bounded by the duration.
 */
class SoakIT {

    private static final Duration RUN = Durations.parse(System.getProperty("es.soak.duration", "60s"));
    private static final int CHANNELS = 4;
    private static final int STEADY = 20;
    private static final int CHURNERS = 20;
    private static final long EVENTS_PER_SECOND = 50;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    // Over the suite's 60 s: the soak lasts its duration (a minute in CI, ten by hand), plus settling.
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void theServerEndsASoakWhereItStartedAndSteadySubscribersMissNothing() throws Exception {
        try (ServeProcess serve = ServeProcess.start(Map.of(), "--port", "0");
                ApiClient api = new ApiClient(serve.url(), null)) {
            churn(serve.url(), System.nanoTime() + Duration.ofSeconds(5).toNanos(), new AtomicLong());
            Figures before = Figures.of(serve);

            AtomicBoolean running = new AtomicBoolean(true);
            List<List<Long>> seen = new ArrayList<>();
            List<Thread> steady = new ArrayList<>();
            for (int i = 0; i < STEADY; i++) {
                List<Long> mine = Collections.synchronizedList(new ArrayList<>());
                seen.add(mine);
                URI channel = serve.url().resolve("/soak-" + (i % CHANNELS));
                steady.add(Thread.ofVirtual().start(() -> follow(channel, mine, running)));
            }
            api.awaitConsumers("all", STEADY);
            long deadline = System.nanoTime() + RUN.toNanos();
            AtomicLong churned = new AtomicLong();
            List<Thread> churners = new ArrayList<>();
            for (int i = 0; i < CHURNERS; i++) {
                churners.add(Thread.ofVirtual().start(() -> churn(serve.url(), deadline, churned)));
            }
            long[] published = publish(api, deadline);
            for (Thread churner : churners) {
                churner.join(Duration.ofSeconds(10));
            }
            // The last events are on their way: wait (bounded) until every steady subscriber has its channel's.
            long arrived = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            for (int i = 0; i < STEADY; i++) {
                List<Long> events = seen.get(i);
                long expected = published[i % CHANNELS];
                Eventually.poll(events::size, n -> n >= expected, Duration.ofNanos(arrived - System.nanoTime()));
            }
            running.set(false);
            for (Thread subscriber : steady) {
                subscriber.interrupt();
                subscriber.join(Duration.ofSeconds(10));
            }
            api.awaitConsumers("all", 0, Duration.ofSeconds(15));
            Figures after = Figures.of(serve);
            System.out.printf("soak %s: %d events, %d churned subscriptions; heap after GC %d -> %d KiB, threads %d -> %d, "
                            + "open files %d -> %d%n", RUN, Arrays.stream(published).sum(), churned.get(),
                    before.heapKiB, after.heapKiB, before.threads, after.threads, before.files, after.files);

            for (int i = 0; i < STEADY; i++) {
                long expected = published[i % CHANNELS];
                List<Long> mine = seen.get(i);
                assertEquals(expected, mine.size(), "steady subscriber " + i + " saw every event");
                for (int n = 0; n < mine.size(); n++) {
                    assertEquals(n, mine.get(n).longValue(), "in order");
                }
            }
            assertTrue(after.files <= before.files + 20, "open files " + before.files + " -> " + after.files);
            assertTrue(after.threads <= before.threads + 10, "threads " + before.threads + " -> " + after.threads);
            assertTrue(after.heapKiB <= before.heapKiB * 3 / 2 + 8192, "heap " + before.heapKiB + " -> " + after.heapKiB);
        }
    }

    /** Publishes 0, 1, 2… to each channel in turn at the rate, until the deadline; returns how many each got. */
    private long[] publish(ApiClient api, long deadline) throws Exception {
        long[] next = new long[CHANNELS];
        long started = System.nanoTime();
        for (long i = 0; System.nanoTime() < deadline; i++) {
            int channel = (int) (i % CHANNELS);
            assertEquals(201, api.publish("soak-" + channel, "{\"data\":\"" + next[channel] + "\"}").statusCode());
            next[channel]++;
            long due = started + (i + 1) * 1_000_000_000L / EVENTS_PER_SECOND;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        }
        return next;
    }

    /** Follows a channel until told to stop, keeping each event's number. */
    private void follow(URI channel, List<Long> seen, AtomicBoolean running) {
        SseParser parser = new SseParser((id, type, data) -> seen.add(Long.parseLong(data)));
        try (InputStream in = http.send(HttpRequest.newBuilder(channel).build(), HttpResponse.BodyHandlers.ofInputStream()).body()) {
            byte[] buffer = new byte[8192];
            for (int n = in.read(buffer); n >= 0 && running.get(); n = in.read(buffer)) {
                parser.feed(buffer, 0, n);
            }
        } catch (IOException | InterruptedException stopped) {
            // Stopped by the test.
        }
    }

    /** Subscribes, stays 50–500 ms, leaves, again, until the deadline. */
    private void churn(URI hub, long deadline, AtomicLong churned) {
        while (System.nanoTime() < deadline) {
            URI channel = hub.resolve("/soak-" + ThreadLocalRandom.current().nextInt(CHANNELS));
            try (InputStream in = http.send(HttpRequest.newBuilder(channel).build(), HttpResponse.BodyHandlers.ofInputStream()).body()) {
                Thread.sleep(50 + ThreadLocalRandom.current().nextInt(450));
                churned.incrementAndGet();
            } catch (IOException | InterruptedException ended) {
                return;
            }
        }
    }

    /** The server process's heap in use after a full GC (jcmd), its threads and its open files. */
    private record Figures(long heapKiB, int threads, int files) {
        private static final Pattern USED = Pattern.compile("used (\\d+)K");

        static Figures of(ServeProcess serve) throws Exception {
            long pid = serve.pid();
            String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
            Programs.run(List.of(jcmd, Long.toString(pid), "GC.run"));
            String heap = Programs.run(List.of(jcmd, Long.toString(pid), "GC.heap_info")).output();
            Matcher used = USED.matcher(heap);
            assertTrue(used.find(), heap);
            int threads = Integer.parseInt(Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                    .filter(line -> line.startsWith("Threads:")).findFirst().orElseThrow().split("\\s+")[1]);
            return new Figures(Long.parseLong(used.group(1)), threads, serve.openFiles());
        }
    }
}
