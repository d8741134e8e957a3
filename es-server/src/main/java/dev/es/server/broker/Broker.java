package dev.es.server.broker;

import dev.es.common.Event;

/**
 * The seam between this server's hub and every other server sharing its channels: publishes and closes go
 * through the broker, which hands them to the hub of each server, this one included.
 */
public interface Broker extends AutoCloseable {

    /** Where a broker delivers: the local hub. */
    interface Sink {
        /**
         * Delivers an event to this server's subscribers of the channel ({@code all}: of every channel).
         *
         * @return the event as stored, with its id
         */
        Event deliver(String channel, Event event);

        /** Disconnects this server's subscribers of the channel ({@code all}: of every channel). */
        void closeChannel(String channel);
    }

    /** Starts handing what any server accepts to the sink. */
    void connect(Sink sink);

    /**
     * Accepts an event for every server; returns once it is accepted.
     *
     * @return the event with its id when this broker assigns ids on acceptance, else as given
     */
    Event publish(String channel, Event event);

    /** Closes a channel on every server. */
    void closeChannel(String channel);

    @Override
    void close();

    /** The broker for a single server: delivers at once, in the caller's thread. */
    static Broker inProcess() {
        return new InProcessBroker();
    }
}
