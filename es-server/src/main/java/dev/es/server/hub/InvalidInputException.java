package dev.es.server.hub;

/**
 * What the hub cannot take as given: a name that is not a channel's, {@code all} where only a channel will do, or
 * an event id no client could come back with ({@link dev.es.common.Event#idProblem}) (HTTP 400).
 */
public final class InvalidInputException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    InvalidInputException(String message) {
        super(message);
    }
}
