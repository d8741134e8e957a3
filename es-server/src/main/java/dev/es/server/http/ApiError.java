package dev.es.server.http;

import dev.es.server.broker.BrokerUnavailableException;
import dev.es.server.hub.HistoryUnavailableException;
import dev.es.server.hub.HubStoppedException;
import dev.es.server.hub.InvalidInputException;
import dev.es.server.hub.LimitReachedException;

/**
 * An answer other than success, raised anywhere in a route, or made by {@link #of} from what the hub refuses
 * with, and written as {@code {"error": …}} by the Javalin routes and by {@link JsonErrors#answer} alike.
 */
final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What a 429 or 503 asks a client to wait: a stop or a lost Redis connection is over in seconds, or never. */
    static final String RETRY_AFTER_SECONDS = "1";

    private final int status;
    private final boolean closes;

    ApiError(int status, String message) {
        this(status, message, false);
    }

    /** @param closes whether the connection is closed after the answer: what is left of the body is not read */
    ApiError(int status, String message, boolean closes) {
        super(message, null, false, false);
        this.status = status;
        this.closes = closes;
    }

    boolean closesConnection() {
        return closes;
    }

    /**
     * The answer to what the hub refused a request with, or null for anything else: a fault of ours, a 500 (an
     * {@link IllegalArgumentException} of some bug is not the client's bad request, nor worth its retrying).
     */
    static ApiError of(RuntimeException refusal) {
        return switch (refusal) {
            case ApiError error -> error;
            case InvalidInputException bad -> new ApiError(400, bad.getMessage());
            case LimitReachedException full -> new ApiError(full.serverWide() ? 503 : 429, full.getMessage());
            // Come back (to another server) later: this one is stopping, or has lost Redis.
            case HubStoppedException stopping -> new ApiError(503, stopping.getMessage());
            case BrokerUnavailableException unavailable -> new ApiError(503, unavailable.getMessage());
            // The disk is full or failing: nothing was kept or delivered, and it may work again soon.
            case HistoryUnavailableException unavailable -> new ApiError(503, unavailable.getMessage());
            default -> null;
        };
    }

    int status() {
        return status;
    }

    /** Whether to say when to come back (Retry-After): a limit (429) or an unavailable server (503) is for now only. */
    boolean retryLater() {
        return status == 429 || status == 503;
    }
}
