package dev.es.server.hub;

/**
 * A publish or join refused because the hub is shutting down: the caller may try again, on another server or
 * once this one is back (HTTP answers 503).
 */
public final class HubStoppedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    HubStoppedException() {
        super("the hub is shutting down");
    }
}
