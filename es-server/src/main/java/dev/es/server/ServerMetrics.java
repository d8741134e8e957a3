package dev.es.server;

import dev.es.server.hub.Hub;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this server reports to Prometheus: its subscribers and channels now, events published and delivered,
 * subscribers disconnected and why, events retained, how long a publish takes, and the JVM's own figures.
 * Per server, never per channel (a label per channel would grow without bound); Prometheus adds servers up.
 */
public final class ServerMetrics implements AutoCloseable {

    /** Why a stream ended, as the {@code reason} label says it. */
    public enum Disconnect {
        /** Its client closed it. */
        CLOSED,
        /** A write made no progress for --timeout. */
        TIMEOUT,
        /** It fell further behind than its queue holds. */
        SLOW,
        /** Its channel was closed (DELETE). */
        CHANNEL_CLOSED,
        /** The server stopped. */
        SHUTDOWN
    }

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Timer publishes;
    private final Map<Disconnect, Counter> disconnects = new ConcurrentHashMap<>();

    ServerMetrics(Hub hub) {
        Gauge.builder("es.subscribers", hub, Hub::localSubscribers).description("Subscribers connected now").register(registry);
        Gauge.builder("es.channels", hub, Hub::localChannels).description("Channels this server holds now").register(registry);
        Gauge.builder("es.history.events", hub, Hub::retained).description("Events retained for replay now").register(registry);
        Gauge.builder("es.history.bytes", hub, Hub::historyBytes)
                .description("Bytes every channel's history holds now, with each event's overhead (see --history-budget)")
                .register(registry);
        FunctionCounter.builder("es.history.shed", hub, Hub::historyShed)
                .description("Events dropped from history to keep within --history-budget").register(registry);
        FunctionCounter.builder("es.events.published", hub, Hub::published)
                .description("Events this server accepted from publishers").register(registry);
        FunctionCounter.builder("es.events.received", hub, Hub::receivedFromBroker)
                .description("Events Redis sent this server: those of the channels it follows (every server's publishes)")
                .register(registry);
        FunctionCounter.builder("es.events.delivered", hub, Hub::delivered)
                .description("Events queued for this server's subscribers, one per event and subscriber").register(registry);
        publishes = Timer.builder("es.publish.latency").description("From a publish's body read to its answer")
                .publishPercentileHistogram().register(registry);
        for (Disconnect reason : Disconnect.values()) {
            disconnects.put(reason, Counter.builder("es.subscribers.disconnected")
                    .tag("reason", reason.name().toLowerCase(Locale.ROOT))
                    .description("Subscribers whose stream ended, by why").register(registry));
        }
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    /** Times a publish. */
    public Timer publishes() {
        return publishes;
    }

    public void disconnected(Disconnect reason) {
        disconnects.get(reason).increment();
    }

    /** Everything, in Prometheus's text format. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
