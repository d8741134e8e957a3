package dev.es.server.http;

import dev.es.server.hub.LimitReachedException;
import java.util.NoSuchElementException;

/**
 * An answer other than success, raised anywhere in a route, or made by {@link #of} from what the hub refuses
 * with, and written as {@code {"error": …}} by the Javalin routes and by {@link JsonErrors#answer} alike.
 */
final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What a 429 or 503 asks a client to wait: a stop or a lost Redis connection is over in seconds, or never. */
    static final String RETRY_AFTER_SECONDS = "1";

    private final int status;
    private final boolean retryLater;

    ApiError(int status, String message) {
        this(status, message, false);
    }

    /** @param retryLater whether to say when to come back (Retry-After): the refusal is for now only */
    ApiError(int status, String message, boolean retryLater) {
        super(message, null, false, false);
        this.status = status;
        this.retryLater = retryLater;
    }

    /** The answer to what a request was refused with, or null for anything else: a fault of ours, a 500. */
    static ApiError of(RuntimeException refusal) {
        return switch (refusal) {
            case ApiError error -> error;
            case LimitReachedException full -> new ApiError(full.serverWide() ? 503 : 429, full.getMessage(), true);
            case IllegalArgumentException bad -> new ApiError(400, bad.getMessage());
            case NoSuchElementException none -> new ApiError(404, none.getMessage());
            // The hub refuses joins and publishes once it is stopping, the broker while Redis is away: come back
            // (to another server) later.
            case IllegalStateException unavailable -> new ApiError(503, unavailable.getMessage(), true);
            default -> null;
        };
    }

    int status() {
        return status;
    }

    boolean retryLater() {
        return retryLater;
    }
}
