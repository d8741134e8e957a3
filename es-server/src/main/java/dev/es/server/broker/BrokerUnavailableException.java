package dev.es.server.broker;

/**
 * The broker cannot store or fetch right now (Redis is unreachable): the request is refused (503) rather than
 * answered as if it had been done. An {@link IllegalStateException}, as a stopping hub's refusal is.
 */
public final class BrokerUnavailableException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public BrokerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
