package dev.es.server.http;

import dev.es.common.ChannelName;
import dev.es.common.ErrorBody;
import dev.es.common.Json;
import dev.es.common.Protocol;
import dev.es.server.ServerLog;
import dev.es.server.ServerMetrics;
import dev.es.server.ServerSettings;
import dev.es.server.hub.Hub;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.NanoTime;
import org.eclipse.jetty.util.VirtualThreads;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** The HTTP face of a hub: Javalin routes declared in one place, errors mapped to JSON in one place. */
public final class HttpApi {

    private static final String CHANNEL_PATH = "/{channel}";
    /**
     * Connections the kernel may hold before they are accepted. Java's default of 50 makes a burst of
     * subscribers (a reconnect storm, a benchmark) wait out SYN retransmits of a second or more.
     */
    private static final int ACCEPT_QUEUE = 4096;
    /** The most of a refused request's body read before answering (see {@link #drainBody}). */
    private static final int DRAIN_LIMIT = 64 * 1024;

    private final StreamHandler streams;
    private final Javalin javalin;
    /**
     * What a stop waits for stream writers to finish their last write once their subscriptions are closed
     * (a quarter of the shutdown timeout); then the connections of writers stuck on clients that stopped
     * reading are cut.
     */
    private final Duration stopGrace;
    private ServerConnector connector;

    /** The API of the hub, not yet listening. */
    public HttpApi(Hub hub, ServerSettings settings, ServerMetrics metrics, ServerLog log) {
        Access access = new Access(settings.token(), settings.subscribeToken(), settings.jwtKey());
        QueuedThreadPool threads = threadPool();
        // Where what may block runs: Javalin's routes, and with Redis or --data a stream's opening and a publish that
        // may wait.
        Executor blocking = VirtualThreads.getNamedVirtualThreadsExecutor("es-request");
        WriterTurns turns = new WriterTurns(threads);
        // Events the store made durable are delivered on its thread, which writes their small fan-outs and
        // answers their publishes itself, as a publisher's thread does in memory.
        hub.deliverDurableThrough(turns::runHere);
        ChannelRoutes channels = new ChannelRoutes(hub, access, metrics);
        Cors cors = new Cors(settings.corsOrigin(), settings.corsMethods());
        // With Redis a publish waits for Redis: on a thread of its own. With --data it is answered once durable,
        // on a thread of its own only when it may first read a channel's history from disk (Publishing.runnerFor);
        // else nothing in it blocks.
        Publishing publishing = new Publishing(hub, access, cors, settings.requestDeadline(), turns, blocking,
                settings.redis() != null);
        PublishHandler publishes = new PublishHandler(publishing, settings.maxEventBytes(), metrics);
        BatchPublishHandler batches = new BatchPublishHandler(publishing, settings.maxBatchBytes());
        // A stream is opened where Jetty parsed its request, unless its join may wait: with Redis it first reads
        // the channel's stream, with --data what the store kept of the channel before a restart.
        streams = new StreamHandler(hub, cors, settings.keepalive(), metrics, access, turns,
                new SubscriptionQuota(settings.maxSubscriptionsPerClient()),
                settings.redis() != null || settings.data() != null ? blocking : Runnable::run);
        AllowedHosts hosts = new AllowedHosts(settings.host(), settings.allowedHosts());
        ConnectionLimits limits = new ConnectionLimits(settings.maxConnections(), settings.maxConnectionsPerClient());
        stopGrace = settings.shutdownTimeout().dividedBy(4);
        javalin = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            // Its watcher is a non-daemon thread that would hold the JVM for 5 s after a quick stop.
            cfg.startup.startupWatcherEnabled = false;
            cfg.jetty.threadPool = threads;
            cfg.http.prefer405over404 = true;
            // A pending read or write with no progress for this long fails: stalled subscribers and
            // trickling requests are cut, idle streams are not (they have no pending I/O).
            // No graceful wait in Jetty: it would wait out idle keep-alive connections. Streams are ended and
            // their writers awaited before the stop instead.
            cfg.jetty.modifyServer(server -> {
                server.setStopTimeout(0);
                server.setErrorHandler(new JsonErrors());
                // Limits, other sites' hosts and method tunnelling refused, then streams and publishes; Javalin adds
                // its servlet for everything else behind them, on threads of its own.
                server.setHandler(new Handlers(blocking, limits, hosts, new NoMethodOverride(),
                        streams, publishes, batches));
                if (settings.accessLog()) {
                    server.setRequestLog((request, response) -> log.access(request.getMethod(),
                            request.getHttpURI().getPath(), response.getStatus(), StreamWriter.bytesWritten(request, response),
                            NanoTime.millisSince(request.getBeginNanoTime()), Request.getRemoteAddr(request)));
                }
            });
            cfg.jetty.modifyHttpConfiguration(http -> http.setIdleTimeout(settings.timeout().toMillis()));
            cfg.jetty.addConnector((server, http) -> {
                connector = new SelectorConnector(server, Transport.connectionFactories(settings, http));
                connector.setHost(settings.host());
                connector.setPort(settings.port());
                connector.setAcceptQueueSize(ACCEPT_QUEUE);
                // Before a request's headers are in, Jetty times a connection out by the connector's own idle
                // timeout (30 s by default): a client that starts a request and stops is cut after --timeout.
                connector.setIdleTimeout(settings.timeout().toMillis());
                connector.addBean(limits);
                connector.addBean(new RequestDeadline(connector, settings.requestDeadline()));
                return connector;
            });

            cfg.routes.before(cors::decorate);
            cfg.routes.delete(CHANNEL_PATH, channels::close);
            cfg.routes.head(CHANNEL_PATH, channels::info);
            cfg.routes.options(CHANNEL_PATH, cors::preflight);
            cfg.routes.options(Protocol.PUBLISH_PATH, cors::preflight);
            // HEAD runs the GET's handler, so it answers as GET would (its status, its headers, no body):
            // Javalin's own answer to HEAD was 200 whatever the GET needs.
            Map<String, io.javalin.http.Handler> reads = new LinkedHashMap<>();
            reads.put("/", ApiIndex::answer);
            reads.put(Protocol.CHANNELS_PATH, channels::listing);
            reads.put(Protocol.CHANNELS_PATH + "/{channel}/events", channels::history);
            reads.put(Protocol.METRICS_PATH, channels::metrics);
            reads.put(ConsoleRoutes.PATH, ConsoleRoutes::page);
            reads.put(ConsoleRoutes.PATH + "/{file}", ConsoleRoutes::file);
            reads.put(Protocol.LIVE_PATH, ctx -> ctx.contentType(Protocol.JSON).result("{\"status\":\"up\"}"));
            reads.put(Protocol.READY_PATH, ctx -> {
                boolean ready = hub.ready();
                ctx.status(ready ? 200 : 503).contentType(Protocol.JSON)
                        .result(ready ? "{\"status\":\"ready\"}" : "{\"status\":\"not ready\"}");
            });
            reads.forEach((path, handler) -> {
                cfg.routes.get(path, handler);
                cfg.routes.head(path, handler);
            });

            cfg.routes.exception(Exception.class, (e, ctx) -> {
                ApiError refusal = e instanceof RuntimeException runtime ? ApiError.of(runtime) : null;
                if (refusal == null) {
                    // A fault of ours: one line in the log, a JSON 500 to the client, no stack trace.
                    log.warn("error", ctx.method() + " " + ctx.path() + " failed: " + e);
                    refusal = new ApiError(500, "the hub failed to answer; its log says why");
                }
                if (refusal.retryLater()) {
                    ctx.header("Retry-After", ApiError.RETRY_AFTER_SECONDS);
                }
                error(ctx, refusal.status(), refusal.getMessage());
            });
            cfg.routes.error(404, ctx -> replaceError(ctx, "not found: a channel is one path segment; " + ChannelName.RULE));
            cfg.routes.error(405, ctx -> {
                // Decoded, as the routes match it: /%75pdates is the channel updates, /a%2Fb and /ch;x=1 are none.
                // (Not URIUtil.decodePath: it drops ;x=1. That URLDecoder makes + a space changes nothing: neither
                // is a channel's character.)
                String path = URLDecoder.decode(ctx.path(), StandardCharsets.UTF_8);
                if (!path.startsWith(Protocol.RESERVED_PREFIX) && !ChannelName.isValid(path.substring(1))) {
                    // No method is allowed on what is not a channel: that is a 404, as for GET.
                    ctx.status(404);
                    replaceError(ctx, "no channel '" + path.substring(1) + "': " + ChannelName.RULE);
                    return;
                }
                String allowed = path.startsWith(Protocol.RESERVED_PREFIX) ? "GET" : ChannelRoutes.ALLOWED_METHODS;
                ctx.header("Allow", allowed);
                replaceError(ctx, "method " + ctx.method() + " is not allowed; use " + allowed);
            });
        });
    }

    /**
     * Jetty's pool of platform threads for its selectors and non-blocking work. It has no virtual threads of its
     * own: Jetty would hand them its own tasks too (a connection resumed after each stream ends cost a virtual
     * thread's start and its carrier's wake-up); what may block is handed to them by es ({@link Handlers}).
     * Javalin's own virtual-thread option would run everything, selectors included, on a new virtual thread per
     * task.
     */
    private static QueuedThreadPool threadPool() {
        QueuedThreadPool pool = new QueuedThreadPool();
        pool.setName("es-http");
        return pool;
    }

    /**
     * Listens on the settings' address.
     *
     * @throws io.javalin.util.JavalinBindException when the port cannot be bound
     */
    public void start() {
        javalin.start();
    }

    /** The port listened on. */
    public int port() {
        return javalin.port();
    }

    /** Stops accepting connections, so that nothing new joins a hub that is being shut down. */
    public void stopAccepting() {
        if (connector != null) {
            connector.close();
        }
    }

    /** Lets stream writers finish (their subscriptions must be closed already), then stops the server. */
    public void stop() {
        try {
            streams.awaitStreams(stopGrace);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        javalin.stop();
    }

    /** Javalin's own errors (no route, wrong method) get our JSON body unless a route already wrote one. */
    private static void replaceError(Context ctx, String message) {
        if (ctx.result() == null || !ctx.result().startsWith("{")) {
            error(ctx, ctx.statusCode(), message);
        }
    }

    private static void error(Context ctx, int status, String message) {
        // An answer that closes the connection (413, 408) leaves the body unread: its client sends too much, or
        // too slowly, to wait for.
        if (!"close".equalsIgnoreCase(ctx.res().getHeader("Connection"))) {
            drainBody(ctx);
        }
        ctx.status(status).contentType(Protocol.JSON).result(Json.write(new ErrorBody(message)));
    }

    /**
     * Reads what is left of a refused request's body, up to {@link #DRAIN_LIMIT}: over HTTP/2 a body left unread
     * makes Jetty reset the stream as it answers, and a client may then report the reset instead of the
     * answer. A larger body, or one of unknown length, is left unread (and the stream reset).
     */
    private static void drainBody(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        // Unknown lengths (chunked) are not waited for: the rest may never come.
        if (declared <= 0 || declared > DRAIN_LIMIT) {
            return;
        }
        try (InputStream in = ctx.req().getInputStream()) {
            in.readNBytes(DRAIN_LIMIT);
        } catch (IOException | IllegalStateException unreadable) {
            // Already read as a reader, or gone: nothing more to drain.
        }
    }
}
