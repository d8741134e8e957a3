package dev.es.server.http;

import dev.es.common.ChannelName;
import dev.es.common.ChannelStatus;
import dev.es.common.Json;
import dev.es.common.Protocol;
import dev.es.server.ServerMetrics;
import dev.es.server.hub.Hub;
import io.javalin.http.Context;
import java.util.Collections;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;

/**
 * DELETE and HEAD on {@code /{channel}}, the JSON listing and the metrics: parse, check, call the hub, answer.
 * GET, the stream, is {@link StreamHandler}; POST, a publish, {@link PublishHandler}; OPTIONS {@link Cors#preflight}.
 */
final class ChannelRoutes {

    static final String ALLOWED_METHODS = "GET, POST, DELETE, HEAD, OPTIONS";

    private final Hub hub;
    private final ServerMetrics metrics;
    private final Access access;

    ChannelRoutes(Hub hub, Access access, ServerMetrics metrics) {
        this.hub = hub;
        this.metrics = metrics;
        this.access = access;
    }

    /** The channel named by the path; any other segment is not a route of ours (404). */
    static String channel(Context ctx) {
        String channel = ctx.pathParam("channel");
        if (!ChannelName.isValid(channel)) {
            throw new ApiError(404, "no channel '" + channel + "': " + ChannelName.RULE);
        }
        return channel;
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
}
