package dev.es.server;

import dev.es.common.ChannelName;
import dev.es.common.Event;
import dev.es.common.Hosts;
import dev.es.server.broker.Broker;
import dev.es.server.http.HttpApi;
import dev.es.server.hub.HistoryStore;
import dev.es.server.hub.Hub;
import dev.es.server.store.LogHistoryStore;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * An EventSource hub with its HTTP API, to embed in a Java program. It mirrors the interface of the Go package
 * {@code railsmechanic/eventsource}: publish, channel exists, consumer counts, channels, close, close all,
 * start and stop.
 *
 * <pre>{@code
 * try (EsServer server = EsServer.start(ServerSettings.builder().port(8080).token("secret").build())) {
 *     server.publish("updates", new Event("1", "greeting", "hello", null));
 * }
 * }</pre>
 */
public final class EsServer implements AutoCloseable {

    private final ServerSettings settings;
    private final Broker broker;
    /** Where history is kept on disk (--data), or null. */
    private final LogHistoryStore store;
    /** What start-up read from the store, in words, or null without one. */
    private final String historyRead;
    private final Hub hub;
    private final HttpApi http;
    private final ServerMetrics metrics;
    /** Drops history older than its TTL, every tenth of the TTL (at most every 10 s, at least every 100 ms). */
    private final ScheduledExecutorService expiry;

    private EsServer(ServerSettings settings, Broker broker, LogHistoryStore store, Hub hub, HttpApi http,
            ServerMetrics metrics, String historyRead) {
        this.settings = settings;
        this.historyRead = historyRead;
        this.store = store;
        this.broker = broker;
        this.hub = hub;
        this.http = http;
        this.metrics = metrics;
        expiry = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("es-history-expiry").daemon().factory());
        long every = Math.clamp(settings.limits().historyTtl().toMillis() / 10, 100, 10_000);
        expiry.scheduleWithFixedDelay(() -> hub.expireHistory(System.currentTimeMillis()), every, every,
                TimeUnit.MILLISECONDS);
    }

    /**
     * Starts a hub listening on the settings' host and port, sharing its channels through Redis when the
     * settings name it.
     *
     * @throws io.javalin.util.JavalinBindException when the port cannot be bound
     * @throws dev.es.server.broker.BrokerUnavailableException when Redis cannot be reached
     * @throws IllegalArgumentException when the Redis URI is not one
     */
    public static EsServer start(ServerSettings settings) {
        return start(settings, ServerLog.standardError());
    }

    /** Starts a hub that logs to the given log (its warnings; every request with the access log on). */
    public static EsServer start(ServerSettings settings, ServerLog log) {
        LogHistoryStore store = settings.data() == null ? null : LogHistoryStore.open(settings.data(), settings.dataSync());
        Broker broker;
        try {
            broker = settings.redis() == null
                    ? Broker.inProcess()
                    : Broker.redis(settings.redis(), settings.redisCaCert(), settings.limits().historyEvents(),
                            settings.redisReplicaAcks(), log);
        } catch (RuntimeException e) {
            closeIfOpen(store);
            throw e;
        }
        ServerMetrics metrics = null;
        CompletableFuture<String> historyRead = CompletableFuture.completedFuture(null);
        try {
            Hub hub = new Hub(broker, settings.limits(), warning -> log.warn("history", warning),
                    store == null ? HistoryStore.NONE : store);
            if (store != null) {
                // Read on a thread of its own while the HTTP server is made, and done before it listens.
                historyRead = CompletableFuture.supplyAsync(() -> restore(store, hub),
                        task -> Thread.ofPlatform().name("es-history-read").start(task));
            }
            metrics = new ServerMetrics(hub);
            HttpApi http = new HttpApi(hub, settings, metrics, log);
            String found = awaitRead(historyRead);
            http.start();
            return new EsServer(settings, broker, store, hub, http, metrics, found);
        } catch (RuntimeException e) {
            // Whatever was made before the failure, undone in one place (the read first: it uses the store).
            historyRead.handle((found, failure) -> null).join();
            if (metrics != null) {
                metrics.close();
            }
            broker.close();
            closeIfOpen(store);
            throw e;
        }
    }

    /** Gives the hub what the store kept, and says so in words. */
    private static String restore(LogHistoryStore store, Hub hub) {
        long started = System.nanoTime();
        int channels = store.restoreChannelsInto(hub);
        long cut = store.cutShortBytes();
        return String.format(Locale.ROOT, "history of %d channels found in %d ms%s, each read when first asked for",
                channels, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                cut == 0 ? "" : " (a write cut short by a crash, " + cut + " bytes, dropped from its end)");
    }

    /** The read's words once done, or its own failure (a damaged log), not the future's wrapping of it. */
    private static String awaitRead(CompletableFuture<String> historyRead) {
        try {
            return historyRead.join();
        } catch (CompletionException e) {
            throw Hub.failureOf(e);
        }
    }

    private static void closeIfOpen(LogHistoryStore store) {
        if (store != null) {
            store.close();
        }
    }

    /** The port listened on: the configured one, or the one chosen for port 0. */
    public int port() {
        return http.port();
    }

    /** What start-up found in the data directory's history ("history of N channels found in T ms, ..."), or null. */
    public String historyRead() {
        return historyRead;
    }

    /** The base URL clients use. */
    public URI url() {
        // Every interface is no address to connect to: this machine's loopback is one of them.
        String bound = Hosts.isEveryInterface(settings.host()) ? (settings.host().contains(":") ? "::1" : "127.0.0.1")
                : settings.host();
        String host = bound.contains(":") ? "[" + bound + "]" : bound;
        return URI.create((settings.tls() ? "https://" : "http://") + host + ":" + port());
    }

    public ServerSettings settings() {
        return settings;
    }

    /** The hub behind the HTTP API, for programs that subscribe in-process. */
    public Hub hub() {
        return hub;
    }

    /**
     * Publishes an event to a channel, or to every channel through {@code all}.
     *
     * @return the event as subscribers see it, with its id
     */
    public Event publish(String channel, Event event) {
        return hub.publish(channel, event);
    }

    public boolean channelExists(String channel) {
        return hub.channelExists(channel);
    }

    public int consumerCount(String channel) {
        return hub.consumerCount(channel);
    }

    public int consumerCountAll() {
        return hub.consumerCountAll();
    }

    /** The existing channels, sorted. */
    public List<String> channels() {
        return hub.channels();
    }

    /** Closes a channel: its subscribers are disconnected and its history dropped. */
    public void close(String channel) {
        hub.close(channel);
    }

    /** Closes every channel. */
    public void closeAll() {
        hub.close(ChannelName.ALL);
    }

    /** Stops accepting, ends every stream, then stops the server. */
    public void stop() {
        expiry.shutdownNow();
        http.stopAccepting();
        hub.shutdown();
        http.stop();
        broker.close();
        closeIfOpen(store);
        metrics.close();
    }

    @Override
    public void close() {
        stop();
    }
}
