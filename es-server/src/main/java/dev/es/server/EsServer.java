package dev.es.server;

import dev.es.common.ChannelName;
import dev.es.common.Event;
import dev.es.server.broker.Broker;
import dev.es.server.http.HttpApi;
import dev.es.server.hub.Hub;
import java.net.URI;
import java.util.List;
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
    private final Hub hub;
    private final HttpApi http;
    private final ServerMetrics metrics;
    /** Drops history older than its TTL, every tenth of the TTL (at most every 10 s, at least every 100 ms). */
    private final ScheduledExecutorService expiry;

    private EsServer(ServerSettings settings, Broker broker, Hub hub, HttpApi http, ServerMetrics metrics) {
        this.settings = settings;
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
        Broker broker = settings.redis() == null
                ? Broker.inProcess()
                : Broker.redis(settings.redis(), settings.redisCaCert(), settings.limits().historyEvents(), log);
        ServerMetrics metrics = null;
        try {
            Hub hub = new Hub(broker, settings.limits(), warning -> log.warn("history", warning));
            metrics = new ServerMetrics(hub);
            HttpApi http = new HttpApi(hub, settings, metrics, log);
            http.start();
            return new EsServer(settings, broker, hub, http, metrics);
        } catch (RuntimeException e) {
            // Whatever was made before the failure, undone in one place.
            if (metrics != null) {
                metrics.close();
            }
            broker.close();
            throw e;
        }
    }

    /** The port listened on: the configured one, or the one chosen for port 0. */
    public int port() {
        return http.port();
    }

    /** The base URL clients use. */
    public URI url() {
        String host = settings.host().contains(":") ? "[" + settings.host() + "]" : settings.host();
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
        metrics.close();
    }

    @Override
    public void close() {
        stop();
    }
}
