package dev.es.server.http;

import dev.es.common.Protocol;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Cross-origin headers (the Fetch standard's CORS protocol) for every response and the preflight answer. */
final class Cors {

    /** How long a browser may cache a preflight answer: saves a round trip per publish from a page. */
    private static final Duration PREFLIGHT_MAX_AGE = Duration.ofMinutes(10);

    private final String origin;
    /** What every response carries: the same for all, so worked out once. */
    private final Map<String, String> headers;

    /** @param origin the allowed origin, or null to allow none (no header: same-origin pages only) */
    Cors(String origin, List<String> methods) {
        this.origin = origin;
        this.headers = origin == null
                ? Map.of()
                : Map.of(
                        "Access-Control-Allow-Origin", origin,
                        "Access-Control-Allow-Methods", String.join(", ", methods),
                        // Without this a page cannot read the counts HEAD answers with.
                        "Access-Control-Expose-Headers",
                        String.join(", ", Protocol.CONSUMER_COUNT, Protocol.CHANNEL_EXISTS, Protocol.AVAILABLE_CHANNELS));
    }

    /** The headers every response carries. */
    Map<String, String> headers() {
        return headers;
    }

    /** Adds the headers every response carries to a Javalin answer. */
    void decorate(Context ctx) {
        headers.forEach(ctx::header);
    }

    /** Answers an OPTIONS preflight: which methods and request headers a page may use. */
    void preflight(Context ctx) {
        if (!ctx.pathParamMap().isEmpty()) {
            // A channel's path (the batch publish's has none): 404 for what is not a channel's name.
            ChannelRoutes.channel(ctx);
        }
        if (origin != null) {
            ctx.header(
                    "Access-Control-Allow-Headers",
                    String.join(", ", "Content-Type", "Authorization", Protocol.AUTH_TOKEN, Protocol.LAST_EVENT_ID));
            ctx.header("Access-Control-Max-Age", Long.toString(PREFLIGHT_MAX_AGE.toSeconds()));
        }
        ctx.header("Allow", ChannelRoutes.ALLOWED_METHODS);
        ctx.status(204);
    }
}
