package dev.es.jmh;

import dev.es.common.Event;
import dev.es.server.broker.Broker;
import dev.es.server.hub.Hub;
import dev.es.server.hub.HubLimits;
import dev.es.server.store.LogHistoryStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One publish of a 200-byte event with {@code es serve --data} and no subscriber, to one of 2,000 channels in
 * turn, each keeping its 10 newest: the history log's record written (and, synced, the publish waiting for its
 * sync), the trimming's forgets, the keeper's compactions. A file in a directory under the working directory
 * (the disk, not a tmpfs).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HistoryLogBenchmark {

    @Param({"relaxed", "full"})
    String sync;

    private Path data;
    private LogHistoryStore store;
    private Hub hub;
    private final Event event = Event.of("x".repeat(200));
    private final String[] channels = new String[2000];
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        data = Files.createTempDirectory(Path.of("").toAbsolutePath(), "history-log-bench");
        store = LogHistoryStore.open(data, sync.equals("full"));
        hub = new Hub(Broker.inProcess(), HubLimits.of(10, 1L << 30), warning -> {}, store);
        store.restoreChannelsInto(hub);
        for (int i = 0; i < channels.length; i++) {
            channels[i] = "user-" + i;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        store.close();
        try (Stream<Path> files = Files.walk(data)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    @Benchmark
    public Event publish() {
        next = (next + 1) % channels.length;
        return hub.publish(channels[next], event);
    }
}
