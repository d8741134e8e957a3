package dev.es.server.hub;

/** A name the hub has no channel for: not a channel's name, or {@code all} where only a channel will do (HTTP 400). */
public final class InvalidChannelException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    InvalidChannelException(String message) {
        super(message);
    }
}
