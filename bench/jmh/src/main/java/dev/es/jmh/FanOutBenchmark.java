package dev.es.jmh;

import dev.es.common.Event;
import dev.es.server.broker.Broker;
import dev.es.server.hub.Hub;
import dev.es.server.hub.HubLimits;
import dev.es.server.hub.Subscription;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One event through the hub to N subscriptions and out of their queues: id, encode, history, an offer to
 * every queue, and every writer's take — all but the socket writes (those are es bench's to measure).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FanOutBenchmark {

    @Param({"1", "100", "1000", "10000"})
    int subscribers;

    private Hub hub;
    private final List<Subscription> subscriptions = new ArrayList<>();
    private final Event event = Event.of("x".repeat(100));

    @Setup
    public void setUp() {
        hub = new Hub(Broker.inProcess(), HubLimits.of(1000, 1L << 30));
        for (int i = 0; i < subscribers; i++) {
            subscriptions.add(hub.subscribe("bench", null));
        }
    }

    @Benchmark
    public long publishAndTake() throws InterruptedException {
        hub.publish("bench", event);
        long bytes = 0;
        for (Subscription s : subscriptions) {
            bytes += s.take(0, TimeUnit.NANOSECONDS).length;
        }
        return bytes;
    }
}
