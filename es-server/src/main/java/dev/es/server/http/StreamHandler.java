package dev.es.server.http;

import dev.es.common.ChannelName;
import dev.es.common.Event;
import dev.es.common.Json;
import dev.es.common.MergedStreamId;
import dev.es.common.Protocol;
import dev.es.common.SseFrames;
import dev.es.server.ServerMetrics;
import dev.es.server.hub.CloseReason;
import dev.es.server.hub.Hub;
import dev.es.server.hub.Resume;
import dev.es.server.hub.Subscription;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.thread.Invocable.InvocationType;

/**
 * GET {@code /{channel}}, the event stream, as a Jetty handler ahead of the Javalin routes: a stream holds a
 * {@link StreamWriter} and no thread. Any other request, and a GET of what is not a channel name, goes on to
 * Javalin.
 *
 * <p>A write that makes no progress for the configured timeout fails through Jetty's I/O idle timeout; an idle
 * stream, with no write pending, is never cut by it.
 */
final class StreamHandler extends Handler.Abstract.NonBlocking {

    /** How long a client should wait before reconnecting: soon, but not in a tight loop. */
    static final Duration RECONNECT_HINT = Duration.ofSeconds(2);

    private static final byte[] HELLO = SseFrames.retry(RECONNECT_HINT.toMillis());
    /** Channels one stream may follow: each costs a subscription and a place in every event's id. */
    static final int MAX_MERGED = 100;
    private static final Duration POLL_SOON = Duration.ofMillis(1);
    /** The cookie a page can set for its EventSource to carry the subscribe token. */
    static final String TOKEN_COOKIE = "es_token";

    private final Hub hub;
    private final ServerMetrics metrics;
    /** Who may follow which channels. */
    private final Access access;
    private final Cors cors;
    private final Duration keepalive;
    /**
     * The streams now open, for the keepalive ticks and so that a stop can let them finish, or cut them; each with
     * the client whose quota it holds (null for the hub token's holder, who has none).
     */
    private final Map<StreamWriter, Optional<String>> streams = new ConcurrentHashMap<>();
    private final SubscriptionQuota quota;
    /** Where a stream is opened: in place, or on a thread that may block (a join on Redis first reads the channel's stream). */
    private final Executor joining;
    private final Object allEnded = new Object();
    private final WriterTurns turns;

    StreamHandler(Hub hub, Cors cors, Duration keepalive, ServerMetrics metrics, Access access, WriterTurns turns,
            SubscriptionQuota quota, Executor joining) {
        this.hub = hub;
        this.quota = quota;
        this.joining = joining;
        this.turns = turns;
        addBean(turns);
        this.access = access;
        this.metrics = metrics;
        this.cors = cors;
        this.keepalive = keepalive;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        boolean merged = ChannelPath.is(request, Protocol.STREAM_PATH);
        String channel = ChannelPath.of(request);
        if (!HttpMethod.GET.is(request.getMethod()) || !(merged || channel != null)) {
            return false;
        }
        joining.execute(() -> open(request, response, callback, merged, channel));
        return true;
    }

    /** Subscribes and starts the stream, or answers why not. */
    private void open(Request request, Response response, Callback callback, boolean merged, String channel) {
        cors.headers().forEach(response.getHeaders()::put);
        StreamWriter writer = new StreamWriter(response, callback, turns, HELLO, this::ended);
        Feed feed;
        String client = null;
        String lastEventId;
        try {
            // Parsed once, for the token, the resume id and the channels.
            Fields query = Request.extractQueryParameters(request);
            String token = subscriberToken(request, query);
            Predicate<String> mayFollow = access.following(token);
            // Whose quotas this stream counts against: its address, unless it shows the hub's token.
            client = access.isHubToken(token) ? null : Request.getRemoteAddr(request);
            if (!merged && !mayFollow.test(channel)) {
                throw new ApiError(403, "this token does not let you follow '" + channel + "'");
            }
            lastEventId = request.getHeaders().get(Protocol.LAST_EVENT_ID);
            if (lastEventId == null || lastEventId.isBlank()) {
                lastEventId = query.getValue(Protocol.LAST_EVENT_ID_PARAM);
            }
            if (lastEventId != null && lastEventId.isEmpty()) {
                // None, as EventSource means it: to the hub an empty id is a subscriber that saw nothing yet.
                lastEventId = null;
            }
            feed = merged
                    ? subscribeAll(resentLength(request), Objects.requireNonNullElse(query.getValues("channel"), List.of()),
                            mayFollow, access.mayFollowByPrefix(token), lastEventId, client, writer)
                    : subscribeOne(channel, lastEventId, client, writer);
        } catch (RuntimeException e) {
            JsonErrors.answerOrFail(response, callback, e);
            return;
        }
        try {
            writer.attach(feed);
            if (lastEventId != null) {
                byte[] gaps = gapEvents(lastEventId, feed.subscriptions(), merged);
                response.getHeaders().put(Protocol.REPLAY_HEADER, gaps == null ? "exact" : "gap");
                if (gaps != null) {
                    writer.greet(gaps);
                }
            }
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, Protocol.EVENT_STREAM);
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
            // Tells nginx (and proxies that copy it) not to buffer the stream.
            response.getHeaders().put("X-Accel-Buffering", "no");
            EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
            boolean ownConnection = request.getConnectionMetaData().getHttpVersion().getVersion() < 20;
            // Only a pending write may time out: without this Jetty would also end a stream idle for the timeout.
            // Jetty does not see a write made straight to the endpoint, so one pending is timed out here.
            request.addIdleTimeoutListener(idle -> {
                if (writer.directWritePending()) {
                    endPoint.close(idle);
                }
                return false;
            });
            if (ownConnection) {
                // It ends with the stream: it is watched for reads, so cannot serve another request.
                response.getHeaders().put(HttpHeader.CONNECTION, "close");
                writer.writeDirectlyTo(endPoint, request);
                // Closing it is what fails a write pending on a client that stopped reading.
                feed.onAbort(endPoint::close);
                endOnRead(endPoint, writer);
            } else {
                // A multiplexed connection carries other requests: only this stream ends. Its client closing it
                // (RST_STREAM) or the connection failing reaches the request as a failure.
                feed.onAbort(() -> writer.abort(new EofException("the subscriber was cut off")));
                request.addFailureListener(writer::abort);
            }
            streams.put(writer, Optional.ofNullable(client));
        } catch (RuntimeException unexpected) {
            feed.leave(hub);
            release(client, feed.channels());
            callback.failed(unexpected);
            return;
        }
        writer.start();
    }

    /**
     * One {@link Protocol#GAP_EVENT} per channel that resumed with a gap, or null when each resumed exactly. On
     * one channel it carries the id replay starts after, so that a reconnect before any replayed event resumes
     * from there, exactly, and is not told of the gap again (a merged stream's ids are its own: none there).
     */
    private static byte[] gapEvents(String lastEventId, List<Subscription> subscriptions, boolean merged) {
        ByteArrayOutputStream events = new ByteArrayOutputStream();
        for (Subscription subscription : subscriptions) {
            Resume resume = subscription.resume();
            if (resume == null || resume.exact()) {
                continue;
            }
            Map<String, String> gap = new LinkedHashMap<>();
            if (merged) {
                gap.put("channel", subscription.channel());
            }
            gap.put("lastEventId", lastEventId);
            gap.put("resumedAfter", resume.after());
            events.writeBytes(SseFrames.encode(new Event(merged ? null : resume.after(), Protocol.GAP_EVENT,
                    Json.write(gap), null)));
        }
        return events.size() == 0 ? null : events.toByteArray();
    }

    /**
     * The token a subscriber shows, the ways a browser's EventSource can: it cannot set headers, so a cookie or
     * the query (kept out of the access log) too; other clients use a header.
     */
    private static String subscriberToken(Request request, Fields query) {
        String header = Access.headerToken(request.getHeaders().getValuesList(HttpHeader.AUTHORIZATION),
                request.getHeaders().getValuesList(Protocol.AUTH_TOKEN));
        if (header != null) {
            return header;
        }
        for (HttpCookie cookie : Request.getCookies(request)) {
            if (cookie.getName().equals(TOKEN_COOKIE)) {
                return cookie.getValue();
            }
        }
        return query.getValue("token");
    }

    /**
     * Subscribes to every channel asked for on one stream: names, and prefixes ({@code news-*}: the channels
     * that start so and the token lets one follow, those that exist now and, watched, those made later), each
     * resumed from its position in a merged stream's Last-Event-ID.
     *
     * @param resent what a reconnect sends again beside the stream's id ({@link #resentLength})
     * @param byPrefix whether the token may follow channels by prefix ({@link Access#mayFollowByPrefix})
     * @throws ApiError 403 for a channel named that the token does not let one follow, or a prefix it may not use
     * @throws ApiError 400 for a name that is not a channel's, more than {@link #MAX_MERGED}, or names too long
     *     together for a reconnect to carry its URL and id ({@link MergedStreamId#longest})
     * @throws ApiError 404 when no channel is asked for
     */
    private Feed subscribeAll(int resent, List<String> asked, Predicate<String> mayFollow, boolean byPrefix,
            String lastEventId, String client, StreamWriter writer) {
        Queue<String> made = new ConcurrentLinkedQueue<>();
        List<Runnable> watches = new ArrayList<>();
        Runnable unwatch = () -> watches.forEach(Runnable::run);
        try {
            return subscribeAll(resent, asked, mayFollow, byPrefix, lastEventId, client, writer, made, watches, unwatch);
        } catch (RuntimeException e) {
            unwatch.run();
            throw e;
        }
    }

    private Feed subscribeAll(int resent, List<String> asked, Predicate<String> mayFollow, boolean byPrefix,
            String lastEventId, String client, StreamWriter writer, Queue<String> made, List<Runnable> watches,
            Runnable unwatch) {
        Set<String> channels = new LinkedHashSet<>();
        // Each name told once, and no more than the stream could follow: a stalled stream's queue stays small
        // however many channels are made (and closed) meanwhile, or announced again and again by other servers.
        Set<String> told = ConcurrentHashMap.newKeySet();
        for (String name : asked) {
            if (ChannelName.isPattern(name)) {
                if (!ChannelName.isValidPattern(name)) {
                    throw new ApiError(400, "'" + name + "' is not a channel prefix: " + ChannelName.RULE);
                }
                if (!byPrefix) {
                    throw new ApiError(403, "following channels by prefix tells which exist, so on this hub it needs its"
                            + " token or a channel token; name the channels instead");
                }
                String prefix = ChannelName.prefixOf(name);
                // Watched before listed: a channel made in between is in both, and followed once.
                watches.add(hub.watchPrefix(prefix, channel -> {
                    if (told.size() <= MAX_MERGED && mayFollow.test(channel) && told.add(channel)) {
                        made.add(channel);
                        writer.wake();
                    }
                }));
                // One more than a stream may follow is enough to refuse it.
                channels.addAll(hub.channelsStartingWith(prefix, mayFollow, MAX_MERGED + 1));
            } else if (!ChannelName.isValid(name) || name.equals(ChannelName.ALL)) {
                throw new ApiError(400, "'" + name + "' is not a channel one can follow: " + ChannelName.RULE);
            } else if (!mayFollow.test(name)) {
                throw new ApiError(403, "this token does not let you follow '" + name + "'");
            } else {
                channels.add(name);
            }
        }
        if (channels.isEmpty() && watches.isEmpty()) {
            throw new ApiError(404, asked.isEmpty()
                    ? "name the channels to follow: ?channel=a&channel=b, or a prefix: ?channel=news-*"
                    : "no channel matches " + String.join(", ", asked));
        }
        if (channels.size() > MAX_MERGED) {
            throw new ApiError(400, channels.size() + " channels: one stream follows at most " + MAX_MERGED);
        }
        // A place in the hub's order is one number; positions in every channel grow with their names.
        int reconnect = resent + (hub.ordersAcrossChannels() ? 0 : MergedStreamId.longest(channels));
        if (reconnect > MergedStreamId.MAX_LENGTH) {
            throw new ApiError(400, "the names of these " + channels.size() + " channels are too long for one stream:"
                    + " a reconnect sends its URL and headers again with its last event id, which carries every name,"
                    + " in a request of up to " + reconnect + " characters, where at most " + MergedStreamId.MAX_LENGTH
                    + " fit; follow them on several streams, or by a prefix (?channel=news-*)");
        }
        Map<String, String> positions = MergedStreamId.positions(lastEventId);
        // A place is this hub's own order: with Redis each server has its own, so only positions resume there.
        long place = hub.ordersAcrossChannels() ? MergedStreamId.placeIn(lastEventId) : MergedStreamId.NO_PLACE;
        take(client, channels.size());
        List<Subscription> subscriptions = new ArrayList<>();
        try {
            for (String channel : channels) {
                // From a place, every channel resumes after it (one it did not have yet, from its start).
                String resume = place != MergedStreamId.NO_PLACE ? MergedStreamId.resumeFrom(place) : positions.get(channel);
                subscriptions.add(hub.subscribe(channel, resume, writer::wake, client));
            }
        } catch (RuntimeException e) {
            subscriptions.forEach(hub::unsubscribe);
            release(client, channels.size());
            throw e;
        }
        return new MergedFeed(hub, subscriptions, () -> pollSoon(writer), made, follower(client, writer), unwatch);
    }

    /**
     * How a stream follows a channel made after it opened, within its client's quota, from the channel's first
     * event: in place where the hub orders every channel (the stream must join it before writing on; nothing
     * blocks there), else (Redis: the channel's stream is read) on a thread that may wait, waking the writer after.
     */
    private MergedFeed.Follower follower(String client, StreamWriter writer) {
        return new MergedFeed.Follower() {
            @Override
            public void follow(String channel, Consumer<Optional<Subscription>> joined) {
                Runnable join = () -> {
                    Optional<Subscription> subscription;
                    try {
                        subscription = Optional.of(subscribeCounted(channel, "", client, writer));
                    } catch (RuntimeException refused) {
                        // A limit, or the channel closed as it was made: the stream ends, its reconnect says why.
                        subscription = Optional.empty();
                    }
                    joined.accept(subscription);
                    writer.wake();
                };
                if (hub.ordersAcrossChannels()) {
                    join.run();
                } else {
                    joining.execute(join);
                }
            }

            @Override
            public void abandon(Subscription subscription) {
                hub.unsubscribe(subscription);
                release(client, 1);
            }
        };
    }

    /**
     * Wakes a merged stream's writer shortly, to look again for an event whose publish was under way: a
     * publish holds its channel for microseconds, so a millisecond is plenty and the wait is rare.
     */
    private void pollSoon(StreamWriter writer) {
        try {
            getServer().getScheduler().schedule(writer::wake, POLL_SOON.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopping) {
            // The server stops: the stream is ending.
        }
    }

    /** Subscribes to one channel, within the client's quota. */
    private Feed subscribeOne(String channel, String lastEventId, String client, StreamWriter writer) {
        return Feed.of(subscribeCounted(channel, lastEventId, client, writer));
    }

    /** Subscribes to one channel within the client's quota, given back if the hub refuses. */
    private Subscription subscribeCounted(String channel, String lastEventId, String client, StreamWriter writer) {
        take(client, 1);
        try {
            return hub.subscribe(channel, lastEventId, writer::wake, client);
        } catch (RuntimeException e) {
            release(client, 1);
            throw e;
        }
    }

    /** Counts subscriptions against a client's quota (none for null: the hub token's holder). */
    private void take(String client, int count) {
        if (client != null) {
            quota.take(client, count);
        }
    }

    private void release(String client, int count) {
        if (client != null) {
            quota.release(client, count);
        }
    }

    /**
     * The length of what a reconnect sends again besides the stream's id: the path and query, and every header
     * but Last-Event-ID (a browser's token cookie, whose claims may list the same channels, included).
     */
    private static int resentLength(Request request) {
        int length = request.getHttpURI().getPathQuery().length();
        for (HttpField header : request.getHeaders()) {
            if (!header.is(Protocol.LAST_EVENT_ID)) {
                length += header.getName().length() + ": \r\n".length() + header.getValue().length();
            }
        }
        return length;
    }

    /**
     * Ends the stream as soon as the client closes its end (or sends anything: a subscriber has nothing more to
     * say), not at the next write to it, up to a keepalive later: counts stay true and no fan-out is spent on
     * subscribers that left. Jetty itself does not tell a handler that its client closed. When the connection is
     * closed from this side (a stop, a subscriber dropped as too slow), the watch fails, and ends the stream too.
     * Nothing in ending a stream blocks, so the selector runs it itself rather than handing it to a thread.
     */
    private static void endOnRead(EndPoint endPoint, StreamWriter writer) {
        endPoint.tryFillInterested(Callback.from(InvocationType.NON_BLOCKING, () -> {
            try {
                if (endPoint.fill(BufferUtil.allocate(1)) == 0) {
                    endOnRead(endPoint, writer);
                    return;
                }
            } catch (IOException alreadyGone) {
                // Ended below all the same.
            }
            endPoint.close();
            writer.abort(new EofException("the subscriber closed its connection"));
        }, writer::abort));
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        scheduleTick();
    }

    /**
     * Lets the streams end once their subscriptions are closed, for at most the grace period; then cuts the
     * connections of those with a write pending on a client that does not read.
     */
    void awaitStreams(Duration grace) throws InterruptedException {
        long deadline = System.nanoTime() + grace.toNanos();
        synchronized (allEnded) {
            for (long left = grace.toNanos(); !streams.isEmpty() && left > 0; left = deadline - System.nanoTime()) {
                TimeUnit.NANOSECONDS.timedWait(allEnded, left);
            }
        }
        streams.keySet().forEach(stream -> stream.feed().abort());
    }

    private void ended(StreamWriter stream, Throwable failure) {
        stream.feed().leave(hub);
        metrics.disconnected(why(stream.feed().closeReason(), failure));
        Optional<String> client = streams.remove(stream);
        if (client != null) {
            release(client.orElse(null), stream.feed().channels());
        }
        if (streams.isEmpty()) {
            synchronized (allEnded) {
                allEnded.notifyAll();
            }
        }
    }

    private static ServerMetrics.Disconnect why(CloseReason closed, Throwable failure) {
        if (closed != null) {
            return switch (closed) {
                case TOO_SLOW -> ServerMetrics.Disconnect.SLOW;
                case CHANNEL_CLOSED -> ServerMetrics.Disconnect.CHANNEL_CLOSED;
                case SHUTDOWN -> ServerMetrics.Disconnect.SHUTDOWN;
            };
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof TimeoutException) {
                return ServerMetrics.Disconnect.TIMEOUT;
            }
        }
        return ServerMetrics.Disconnect.CLOSED;
    }

    private void scheduleTick() {
        getServer().getScheduler().schedule(this::tick, keepalive.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void tick() {
        if (isRunning()) {
            streams.keySet().forEach(StreamWriter::tick);
            scheduleTick();
        }
    }
}
