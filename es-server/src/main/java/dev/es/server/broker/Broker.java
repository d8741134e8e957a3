package dev.es.server.broker;

import dev.es.common.ChannelStatus;
import dev.es.common.Event;
import dev.es.server.ServerLog;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * The seam between this server's hub and every other server sharing its channels: publishes and closes go
 * through the broker, which hands them to the hub of each server, this one included; counts and listings come
 * from it, so that they cover every server.
 */
public interface Broker extends AutoCloseable {

    /** Where a broker delivers, and what it knows of this server: the local hub. */
    interface Sink {
        /**
         * Delivers an event to this server's subscribers of the channel ({@code all}: of every channel): at once,
         * or, where the hub keeps history on disk, once it is durable.
         *
         * @return the event as stored, with its id, once delivered
         */
        CompletableFuture<Event> deliver(String channel, Event event);

        /** Disconnects this server's subscribers of the channel ({@code all}: of every channel). */
        void closeChannel(String channel);

        /** The channel as this server alone knows it, or null when it has no such channel. */
        ChannelStatus localStatus(String channel);

        /** Whether this server holds the channel now, once a change to it that is under way is done. */
        boolean holds(String channel);

        /** This server's channels, sorted by name. */
        List<ChannelStatus> localStatuses();

        /**
         * This server's channels whose names start so and that {@code wanted} accepts, sorted, at most
         * {@code limit}: from an index, touching only names that start so.
         */
        List<String> localChannelsStartingWith(String prefix, Predicate<String> wanted, int limit);

        /**
         * An event of a channel this server does not follow was announced by another: a stream here following a
         * prefix may want the channel.
         */
        void announced(String channel);

        /** This server's subscribers per channel, for the channels that have any: cheap enough to ask often. */
        Map<String, Integer> localSubscriberCounts();
    }

    /** Starts handing what any server accepts to the sink. */
    void connect(Sink sink);

    /**
     * Accepts an event for every server.
     *
     * @return the event with its id when this broker assigns ids on acceptance, else as given, once accepted
     * @throws BrokerUnavailableException when the event could not be stored
     */
    CompletableFuture<Event> publish(String channel, Event event);

    /**
     * Makes sure this server receives the channel's events and holds its history before a subscriber joins it
     * here, so that the joiner's replay and live events meet with no gap; for a subscriber resuming after an
     * event it saw (perhaps on another server), that this server's history has everything up to it.
     *
     * The channel stays followed at least until {@link #release}, which the caller owes once its join (or its
     * read of the history) is done, unless this throws.
     *
     * @param lastEventId the id of the last event the subscriber saw, or null
     * @throws BrokerUnavailableException when that cannot be done now
     */
    void follow(String channel, String lastEventId);

    /** The join or read a {@link #follow} was made for is done. */
    default void release(String channel) {}

    /**
     * The hub forgot the channel (no subscribers, no history here): this server need not receive its events any
     * more. Must not block: called under the hub's lock for the channel.
     */
    default void forgotten(String channel) {}

    /** Whether it can store and deliver now (Redis reachable). */
    boolean connected();

    /** Events this server was sent by the others' broker (Redis), of the channels it follows: 0 alone. */
    default long eventsReceived() {
        return 0;
    }

    /** Closes a channel on every server. */
    void closeChannel(String channel);

    /** The channel with its subscribers on every server, or null when it exists nowhere. */
    ChannelStatus status(String channel);

    /** Whether every server delivers events in the hub's one order of places (one server alone does). */
    boolean ordersAcrossChannels();

    /** Every channel of every server, sorted by name. */
    List<ChannelStatus> statuses();

    /**
     * The channels of every server whose names start with the prefix and that {@code wanted} accepts, sorted, at
     * most {@code limit}: looked up in sorted indexes, so that a prefix costs what it matches, not what the hub
     * holds.
     */
    List<String> channelsStartingWith(String prefix, Predicate<String> wanted, int limit);

    @Override
    void close();

    /** The broker for a single server: delivers at once, in the caller's thread. */
    static Broker inProcess() {
        return new InProcessBroker();
    }

    /**
     * The broker for several servers sharing channels through Redis, one server or a cluster; connects at once.
     *
     * @param uris {@code redis://[user:password@]host[:port][/db]} ({@code rediss://} for TLS), or several nodes
     * of one cluster, comma-separated
     * @param caCert a PEM file of the certificate authorities to trust for TLS, or null for the Java runtime's
     * @param history events kept per channel, in Redis
     * @param replicaAcks replicas that must hold an event before its publish is answered, 0 for none
     * @param log where losing and finding Redis again is told
     * @throws IllegalArgumentException when a URI is not a Redis URI, several are not a cluster's, or the file
     * cannot be read
     * @throws BrokerUnavailableException when Redis cannot be reached
     */
    static Broker redis(String uris, Path caCert, int history, int replicaAcks, ServerLog log) {
        return RedisBroker.connect(uris, caCert, history, replicaAcks, log);
    }
}
