package dev.es.jmh;

import dev.es.common.Event;
import dev.es.common.SseFrames;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Encoding one event to its SSE frame: done once per publish, whatever the number of subscribers. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EncodeBenchmark {

    @Param({"100", "4096"})
    int size;

    @Param({"1", "8"})
    int lines;

    private Event event;

    @Setup
    public void setUp() {
        String line = "x".repeat(Math.max(1, size / lines));
        event = new Event("1795523112415694", "update", String.join("\n", java.util.Collections.nCopies(lines, line)), null);
    }

    @Benchmark
    public byte[] encode() {
        return SseFrames.encode(event);
    }
}
