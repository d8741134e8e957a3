package dev.es.server.hub;

/** Why a subscription ended on the server's side. */
public enum CloseReason {
    /** The channel was closed (DELETE): the subscriber is told nothing more and the stream ends. */
    CHANNEL_CLOSED,
    /** The subscriber's queue overflowed: it reads slower than events arrive, and may reconnect and replay. */
    TOO_SLOW,
    /** The server is stopping. */
    SHUTDOWN
}
