package dev.es.server.http;

import dev.es.common.ChannelName;
import dev.es.common.ChannelStatus;
import dev.es.common.Event;
import dev.es.common.Json;
import dev.es.common.Protocol;
import dev.es.common.PublishBody;
import dev.es.server.ServerMetrics;
import dev.es.server.hub.Hub;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.http.HttpHeader;

/**
 * POST, DELETE and HEAD on {@code /{channel}}, and the JSON listing: parse, check, call the hub, answer. GET,
 * the stream, is {@link StreamHandler}; OPTIONS is {@link Cors#preflight}.
 */
final class ChannelRoutes {

    static final String ALLOWED_METHODS = "GET, POST, DELETE, HEAD, OPTIONS";
    /** What a body is read into first; the array doubles as it fills, up to its declared length or the limit. */
    private static final int BODY_CHUNK = 16 * 1024;

    private final Hub hub;
    private final ServerMetrics metrics;
    private final Access access;
    private final long maxEventBytes;
    private final Duration bodyDeadline;
    /** Where the stream writers a publish wakes take their turns. */
    private final WriterTurns turns;

    ChannelRoutes(Hub hub, Access access, long maxEventBytes, Duration bodyDeadline, ServerMetrics metrics,
            WriterTurns turns) {
        this.hub = hub;
        this.turns = turns;
        this.metrics = metrics;
        this.access = access;
        this.maxEventBytes = maxEventBytes;
        this.bodyDeadline = bodyDeadline;
    }

    /** The channel named by the path; any other segment is not a route of ours (404). */
    static String channel(Context ctx) {
        String channel = ctx.pathParam("channel");
        if (!ChannelName.isValid(channel)) {
            throw new ApiError(404, "no channel '" + channel + "': " + ChannelName.RULE);
        }
        return channel;
    }

    void publish(Context ctx) throws IOException {
        String channel = channel(ctx);
        String shown = shownToken(ctx);
        access.requirePublish(shown, channel);
        // Whose limit of channels made this counts against: its address, unless it shows the hub's token.
        String maker = access.isHubToken(shown) ? null : ctx.req().getRemoteAddr();
        // The media type itself, parameters (charset) aside: the seed's substring test took "text/plain; x=application/json".
        String contentType = ctx.contentType() == null ? "" : ctx.contentType();
        int parameters = contentType.indexOf(';');
        String mediaType = (parameters < 0 ? contentType : contentType.substring(0, parameters)).strip();
        if (!mediaType.equalsIgnoreCase(Protocol.JSON)) {
            throw new ApiError(400, "Content-Type must be application/json");
        }
        Event event;
        try {
            event = PublishBody.read(readBody(ctx));
        } catch (IllegalArgumentException unreadable) {
            throw new ApiError(400, unreadable.getMessage());
        }
        Event stored = metrics.publishes().record(() -> turns.publish(() -> hub.publish(channel, event, maker)));
        ctx.status(201).contentType(Protocol.JSON);
        ctx.result(Json.write(stored.id() == null ? Map.of() : Map.of("id", stored.id())));
    }

    void close(Context ctx) {
        String channel = channel(ctx);
        access.requireHubToken(shownToken(ctx), "closing a channel");
        hub.close(channel);
        ctx.status(200);
    }

    void info(Context ctx) {
        String channel = channel(ctx);
        access.requireHubToken(shownToken(ctx), "channel information");
        // One look at the channels per request: with --redis each look is a round trip.
        if (channel.equals(ChannelName.ALL)) {
            List<ChannelStatus> all = hub.statuses();
            ctx.header(Protocol.CONSUMER_COUNT, Integer.toString(all.stream().mapToInt(ChannelStatus::consumers).sum()));
            ctx.header(Protocol.AVAILABLE_CHANNELS,
                    "[" + String.join(",", all.stream().map(ChannelStatus::name).toList()) + "]");
        } else {
            ChannelStatus found = hub.status(channel);
            ctx.header(Protocol.CONSUMER_COUNT, Integer.toString(found == null ? 0 : found.consumers()));
            ctx.header(Protocol.CHANNEL_EXISTS, Boolean.toString(found != null));
        }
        ctx.status(200);
    }

    /** Prometheus's text format. Counts only, no channel names: open like the health checks. */
    void metrics(Context ctx) {
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
    }

    /** The JSON listing: what HEAD /all tells, per channel, with event counts. */
    void listing(Context ctx) {
        access.requireHubToken(shownToken(ctx), "channel information");
        ctx.contentType(Protocol.JSON).result(Json.write(hub.statuses()));
    }

    private static String shownToken(Context ctx) {
        return Access.headerToken(Collections.list(ctx.req().getHeaders(HttpHeader.AUTHORIZATION.asString())),
                Collections.list(ctx.req().getHeaders(Protocol.AUTH_TOKEN)));
    }

    /**
     * Reads at most the limit: a larger body is refused as soon as its declared length or its first byte past
     * the limit shows it, and the connection is closed rather than drained. A request still arriving
     * {@code --request-deadline} after its first byte is refused too: {@link RequestDeadline} cuts an HTTP/1
     * connection that trickles, this an HTTP/2 stream as well.
     */
    private byte[] readBody(Context ctx) throws IOException {
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxEventBytes) {
            throw tooLarge(ctx);
        }
        long deadline = ServletContextRequest.getServletContextRequest(ctx.req()).getBeginNanoTime() + bodyDeadline.toNanos();
        // Memory follows the bytes that came, not the length declared (which costs a client nothing to claim); a
        // body of a chunk or less, most publishes, is one array of its declared length (Jetty holds it to that).
        long most = declared >= 0 ? declared : maxEventBytes + 1L;
        byte[] body = new byte[(int) Math.min(most, BODY_CHUNK)];
        int length = 0;
        try (InputStream in = ctx.bodyInputStream()) {
            while (length != declared) {
                if (length == body.length) {
                    body = Arrays.copyOf(body, (int) Math.min(2L * length, most));
                }
                int n = in.read(body, length, body.length - length);
                if (n == -1) {
                    break;
                }
                length += n;
                if (length > maxEventBytes) {
                    throw tooLarge(ctx);
                }
                // Only while more is owed: a body whose last bytes came is taken, however late they came.
                if (length != declared && System.nanoTime() - deadline > 0) {
                    ctx.header("Connection", "close");
                    throw new ApiError(408, "the request was still arriving " + bodyDeadline.toMillis()
                            + " ms after it began (--request-deadline)");
                }
            }
        }
        return length == body.length ? body : Arrays.copyOf(body, length);
    }

    private ApiError tooLarge(Context ctx) {
        ctx.header("Connection", "close");
        return new ApiError(413, "the body exceeds the limit of " + maxEventBytes + " bytes (--max-event-bytes)");
    }
}
