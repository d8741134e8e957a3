package dev.es.server.hub;

/**
 * A publish or join refused because it would take the hub past one of its {@link HubLimits}: the caller may try
 * again later (HTTP answers 429 for a limit one client or channel reached, 503 for one the whole server reached).
 */
public final class LimitReachedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean serverWide;

    LimitReachedException(String message, boolean serverWide) {
        super(message, null, false, false);
        this.serverWide = serverWide;
    }

    /** Whether the whole server is full, rather than one channel. */
    public boolean serverWide() {
        return serverWide;
    }
}
