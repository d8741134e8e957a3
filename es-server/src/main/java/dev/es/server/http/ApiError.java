package dev.es.server.http;

/** An answer other than success, raised anywhere in a route and written as {@code {"error": …}} in one place. */
final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    ApiError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    int status() {
        return status;
    }
}
