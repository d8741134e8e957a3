package dev.es.server.http;

import dev.es.common.ChannelName;
import dev.es.common.ChannelStatus;
import dev.es.common.Json;
import dev.es.common.Protocol;
import dev.es.common.SseParser;
import dev.es.server.ServerMetrics;
import dev.es.server.hub.HistoryPage;
import dev.es.server.hub.Hub;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;

/**
 * DELETE and HEAD on {@code /{channel}}, the JSON listing and the metrics: parse, check, call the hub, answer.
 * GET, the stream, is {@link StreamHandler}; POST, a publish, {@link PublishHandler}; OPTIONS {@link Cors#preflight}.
 */
final class ChannelRoutes {

    static final String ALLOWED_METHODS = "GET, POST, DELETE, HEAD, OPTIONS";
    /** Events a history read returns unless it asks for fewer or more. */
    static final int DEFAULT_HISTORY_LIMIT = 100;
    /** The most events one history read returns: a page, not the whole history at once. */
    static final int MAX_HISTORY_LIMIT = 1000;

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

    /**
     * A channel's retained events after {@code ?after=ID} (all without it), oldest first, at most {@code ?limit=N}
     * ({@link #DEFAULT_HISTORY_LIMIT}, at most {@link #MAX_HISTORY_LIMIT}), as a JSON array of
     * {@code {"id","event","data","retry"}}; with {@code after}, {@code Es-Replay} says whether they follow it exactly.
     */
    void history(Context ctx) {
        String channel = channel(ctx);
        access.requireHistoryReader(shownToken(ctx), channel);
        String limitText = ctx.queryParam("limit");
        int limit;
        try {
            limit = limitText == null ? DEFAULT_HISTORY_LIMIT : Integer.parseInt(limitText);
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1 || limit > MAX_HISTORY_LIMIT) {
            throw new ApiError(400, "limit is a number from 1 to " + MAX_HISTORY_LIMIT + ", not '" + limitText + "'");
        }
        String after = ctx.queryParam("after");
        HistoryPage page = hub.history(channel, after == null || after.isEmpty() ? null : after, limit);
        if (page.resume() != null) {
            ctx.header(Protocol.REPLAY_HEADER, page.resume().exact() ? "exact" : "gap");
        }
        List<Map<String, Object>> events = new ArrayList<>();
        Long[] retry = {null};
        SseParser parser = new SseParser(new SseParser.Listener() {
            @Override
            public void onEvent(String id, String type, String data) {
                Map<String, Object> event = new LinkedHashMap<>();
                event.put("id", id.isEmpty() ? null : id);
                event.put("event", type.equals("message") ? null : type);
                event.put("data", data);
                event.put("retry", retry[0]);
                events.add(event);
                retry[0] = null;
            }

            @Override
            public void onRetry(long millis) {
                retry[0] = millis;
            }
        });
        page.frames().forEach(parser::feed);
        ctx.contentType(Protocol.JSON).result(Json.write(events));
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
