package dev.es.server.hub;

/**
 * The history store could not keep an event (its disk is full, or failing): the publish is refused (503) and
 * nothing is delivered, rather than answered as if the event were kept.
 */
public final class HistoryUnavailableException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public HistoryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
