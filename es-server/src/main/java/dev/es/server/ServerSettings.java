package dev.es.server;

import dev.es.common.Protocol;
import dev.es.server.access.JwtKey;
import dev.es.server.hub.HubLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything {@link EsServer} can be told, with the defaults in one place.
 *
 * @param host the address to bind
 * @param port the port to bind, 0 for any free one
 * @param token the token publishers, closers and HEAD callers must send in {@code Auth-Token}, or null for none
 * @param timeout how long a write to a subscriber may make no progress before that subscriber is dropped
 * @param corsOrigin the {@code Access-Control-Allow-Origin} to send, or null to send none (same origin only)
 * @param corsMethods the methods a cross-origin page may use
 * @param limits what the hub holds at most: history and queue per channel and subscriber, channels, subscribers
 *     per channel
 * @param keepalive how often streams are checked: one that wrote no events since the last check gets a comment, so
 *     the first comes one to two intervals after the last event, then one every interval
 * @param maxEventBytes the largest publish body accepted, at most {@link #MAX_EVENT_BYTES_LIMIT}
 * @param redis the Redis URI through which servers share channels (or the URIs of several nodes of one Redis
 *     Cluster, comma-separated), or null for this server alone
 * @param redisReplicaAcks with Redis, the replicas that must hold an event before its publish is answered (WAIT);
 *     0, the default, answers once the primary has it
 * @param redisCaCert a PEM file of the certificate authorities to trust for {@code rediss://}, or null for the
 *     Java runtime's
 * @param tlsCert the PEM certificate chain to serve HTTPS (and HTTP/2 over it) with, or null for plain HTTP
 *     (with HTTP/2 in clear text, h2c, beside HTTP/1.1)
 * @param tlsKey the PEM (PKCS#8) private key of that certificate; given exactly when it is
 * @param accessLog whether every request is logged (a stream once it ends)
 * @param maxConnections connections open at once; past it requests are answered 503
 * @param maxConnectionsPerClient connections one address holds at once; past it its requests are answered 429
 * @param subscribeToken the token a subscriber must show to follow any channel, or null for none
 * @param requestDeadline how long a request's headers and body may take to arrive, from their first byte; a
 *     connection still receiving them after it is closed
 * @param jwtKey the key channel tokens (JWTs naming the channels one may follow and publish to) are signed with, or
 *     null for none; with one, following needs a token too, and the hub must have its own token
 * @param shutdownTimeout the longest a stop takes: streams get a quarter of it to write what is queued and
 *     their {@code retry:} hint, then are cut; {@code es serve} exits at the latest when it is over
 * @param maxSubscriptionsPerClient channels one client (an address, unless it shows the hub's token) follows at
 *     once across its streams; past it a stream is answered 429
 * @param maxBatchBytes the largest batch publish body accepted (every line of it together)
 * @param allowedHosts the host names a request may name (in Host) besides loopback's, {@code *} for any; empty: a
 *     hub on loopback answers only loopback names (against DNS rebinding), a hub on other addresses any
 * @param data the directory where channels' history is kept on disk, or null to keep it in memory only
 * @param dataSync with a data directory, whether each commit waits for the disk (surviving power loss), or only
 *     for the operating system (surviving the process being killed)
 */
public record ServerSettings(
        String host,
        int port,
        String token,
        Duration timeout,
        String corsOrigin,
        List<String> corsMethods,
        HubLimits limits,
        Duration keepalive,
        long maxEventBytes,
        String redis,
        int redisReplicaAcks,
        Path redisCaCert,
        Path tlsCert,
        Path tlsKey,
        Duration shutdownTimeout,
        boolean accessLog,
        int maxConnections,
        int maxConnectionsPerClient,
        String subscribeToken,
        Duration requestDeadline,
        JwtKey jwtKey,
        int maxSubscriptionsPerClient,
        long maxBatchBytes,
        List<String> allowedHosts,
        Path data,
        boolean dataSync) {

    /** Loopback: a hub reachable from elsewhere is a decision (with a token, or --no-auth). */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** The seed server's port, so its clients need no change. */
    public static final int DEFAULT_PORT = 8080;
    /**
     * A write stalled this long means the subscriber is gone or cannot keep up. The seed uses 2 s, which
     * drops clients on slow mobile links during a burst; 10 s still frees a stuck connection promptly.
     */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** Every method of the API, so a page allowed by origin can use all of it (the token still guards). */
    public static final List<String> DEFAULT_CORS_METHODS = List.of("GET", "POST", "DELETE", "HEAD");
    /** Under the 30–60 s idle cut-off of common proxies and load balancers. */
    public static final Duration DEFAULT_KEEPALIVE = Duration.ofSeconds(15);
    /** 1 MiB: far above any notification, far below what would let one request hurt the heap. */
    public static final long DEFAULT_MAX_EVENT_BYTES = Protocol.DEFAULT_MAX_EVENT_BYTES;
    /** 1 GiB: a body is read into one array, and an event is held whole in every queue and the history. */
    public static final long MAX_EVENT_BYTES_LIMIT = 1L << 30;
    /**
     * 16 MiB: tens of thousands of notifications in one request, each line at most --max-event-bytes in effect
     * (its event is held whole, as a single publish's is); read into one array, answered in one.
     */
    public static final long DEFAULT_MAX_BATCH_BYTES = 16L * 1024 * 1024;
    /** Twice what es bench's 10,000-subscriber loads open, well inside a raised open-file limit. */
    public static final int DEFAULT_MAX_CONNECTIONS = 50_000;
    /**
     * One address may hold this many: a proxy or a NAT carries many users' connections, and a benchmark
     * on loopback 10,000 and more, yet one client alone cannot take the whole server.
     */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 20_000;
    /**
     * As many as its connections, each following one channel; a stream of several channels counts each, so one
     * HTTP/2 connection cannot follow (and make) channels by the hundred thousand.
     */
    public static final int DEFAULT_MAX_SUBSCRIPTIONS_PER_CLIENT = 20_000;
    /** Apache's mod_reqtimeout allows 20–40 s for headers and 20 s for a body; a publish is one small body. */
    public static final Duration DEFAULT_REQUEST_DEADLINE = Duration.ofSeconds(30);
    /** Well inside the 10 s container runtimes and init systems wait after SIGTERM before SIGKILL. */
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(2);

    public ServerSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(keepalive, "keepalive");
        Objects.requireNonNull(limits, "limits");
        corsMethods = List.copyOf(corsMethods);
        allowedHosts = List.copyOf(allowedHosts);
        // host:port has one colon; an IPv6 address, bracketed or not, has more.
        if (allowedHosts.stream().anyMatch(name -> name.isBlank() || name.chars().filter(c -> c == ':').count() == 1)) {
            throw new IllegalArgumentException("allowed hosts are names or addresses without a port (e.g. es.example.com,"
                    + " [2001:db8::1]), not " + allowedHosts);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535");
        }
        if (token != null && token.isBlank()) {
            throw new IllegalArgumentException("token must not be blank");
        }
        if (subscribeToken != null && subscribeToken.isBlank()) {
            throw new IllegalArgumentException("the subscribe token must not be blank");
        }
        if (jwtKey != null && token == null) {
            throw new IllegalArgumentException("channel tokens (a JWT key) make channels private, which needs the hub's "
                    + "own token too (--token or ES_TOKEN): without it anyone could publish and close");
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("a TLS certificate and its key go together: give both or neither");
        }
        if (redis != null && redis.isBlank()) {
            throw new IllegalArgumentException("the Redis URI must not be blank");
        }
        if (redisReplicaAcks < 0) {
            throw new IllegalArgumentException("--redis-replica-acks must be 0 or more");
        }
        if (redisReplicaAcks > 0 && redis == null) {
            throw new IllegalArgumentException("--redis-replica-acks is for Redis's replicas: it needs --redis");
        }
        if (redis != null && data != null) {
            throw new IllegalArgumentException("--data keeps one server's history on its disk; with --redis history lives"
                    + " in Redis (as durable as Redis's own persistence): give one or the other");
        }
        requirePositive("timeout", timeout);
        requirePositive("keepalive", keepalive);
        Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        requirePositive("shutdown timeout", shutdownTimeout);
        Objects.requireNonNull(requestDeadline, "requestDeadline");
        requirePositive("request deadline", requestDeadline);
        if (maxEventBytes < 1 || maxEventBytes > MAX_EVENT_BYTES_LIMIT) {
            throw new IllegalArgumentException("max event bytes must be between 1 and " + MAX_EVENT_BYTES_LIMIT + " (1 GiB)");
        }
        if (maxConnections < 1 || maxConnectionsPerClient < 1) {
            throw new IllegalArgumentException("connection limits must be at least 1");
        }
        if (maxBatchBytes < 1 || maxBatchBytes > MAX_EVENT_BYTES_LIMIT) {
            throw new IllegalArgumentException("max batch bytes must be between 1 and " + MAX_EVENT_BYTES_LIMIT + " (1 GiB)");
        }
        if (maxSubscriptionsPerClient < 1) {
            throw new IllegalArgumentException("max subscriptions per client must be 1 or more, not " + maxSubscriptionsPerClient);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Settings starting from the defaults. */
    public static final class Builder {
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private String token;
        private Duration timeout = DEFAULT_TIMEOUT;
        private String corsOrigin;
        private List<String> corsMethods = DEFAULT_CORS_METHODS;
        private int history = HubLimits.DEFAULT_HISTORY_EVENTS;
        private Duration keepalive = DEFAULT_KEEPALIVE;
        private long maxEventBytes = DEFAULT_MAX_EVENT_BYTES;
        private long queueBytes = HubLimits.DEFAULT_QUEUE_BYTES;
        private String redis;
        private int redisReplicaAcks;
        private Path redisCaCert;
        private Path tlsCert;
        private Path tlsKey;
        private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
        private boolean accessLog;
        private long historyBytes = HubLimits.DEFAULT_HISTORY_BYTES;
        private long historyBudget = HubLimits.defaultHistoryBudget();
        private Duration historyTtl = HubLimits.DEFAULT_HISTORY_TTL;
        private int maxChannels = HubLimits.DEFAULT_CHANNELS;
        private int maxChannelsPerClient = HubLimits.DEFAULT_CHANNELS_PER_CLIENT;
        private int maxSubscriptionsPerClient = DEFAULT_MAX_SUBSCRIPTIONS_PER_CLIENT;
        private long maxBatchBytes = DEFAULT_MAX_BATCH_BYTES;
        private int maxSubscribersPerChannel = HubLimits.DEFAULT_SUBSCRIBERS_PER_CHANNEL;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private int maxConnectionsPerClient = DEFAULT_MAX_CONNECTIONS_PER_CLIENT;
        private String subscribeToken;
        private Duration requestDeadline = DEFAULT_REQUEST_DEADLINE;
        private JwtKey jwtKey;
        private List<String> allowedHosts = List.of();
        private Path data;
        private boolean dataSync = true;

        private Builder() {}

        public Builder host(String value) {
            host = value;
            return this;
        }

        public Builder port(int value) {
            port = value;
            return this;
        }

        public Builder token(String value) {
            token = value;
            return this;
        }

        public Builder timeout(Duration value) {
            timeout = value;
            return this;
        }

        public Builder corsOrigin(String value) {
            corsOrigin = value;
            return this;
        }

        public Builder corsMethods(List<String> value) {
            corsMethods = value;
            return this;
        }

        public Builder history(int value) {
            history = value;
            return this;
        }

        public Builder keepalive(Duration value) {
            keepalive = value;
            return this;
        }

        public Builder maxEventBytes(long value) {
            maxEventBytes = value;
            return this;
        }

        public Builder queueBytes(long value) {
            queueBytes = value;
            return this;
        }

        public Builder redis(String value) {
            redis = value;
            return this;
        }

        public Builder redisReplicaAcks(int value) {
            redisReplicaAcks = value;
            return this;
        }

        public Builder redisCaCert(Path value) {
            redisCaCert = value;
            return this;
        }

        /** Serves HTTPS with this PEM certificate chain and PKCS#8 key. */
        public Builder tls(Path certificate, Path key) {
            tlsCert = certificate;
            tlsKey = key;
            return this;
        }

        public Builder shutdownTimeout(Duration value) {
            shutdownTimeout = value;
            return this;
        }

        public Builder accessLog(boolean value) {
            accessLog = value;
            return this;
        }

        public Builder historyBytes(long value) {
            historyBytes = value;
            return this;
        }

        public Builder historyBudget(long value) {
            historyBudget = value;
            return this;
        }

        public Builder historyTtl(Duration value) {
            historyTtl = value;
            return this;
        }

        public Builder maxChannels(int value) {
            maxChannels = value;
            return this;
        }

        public Builder maxBatchBytes(long value) {
            maxBatchBytes = value;
            return this;
        }

        public Builder maxChannelsPerClient(int value) {
            maxChannelsPerClient = value;
            return this;
        }

        public Builder maxSubscriptionsPerClient(int value) {
            maxSubscriptionsPerClient = value;
            return this;
        }

        public Builder maxSubscribersPerChannel(int value) {
            maxSubscribersPerChannel = value;
            return this;
        }

        public Builder maxConnections(int value) {
            maxConnections = value;
            return this;
        }

        public Builder maxConnectionsPerClient(int value) {
            maxConnectionsPerClient = value;
            return this;
        }

        public Builder subscribeToken(String value) {
            subscribeToken = value;
            return this;
        }

        public Builder requestDeadline(Duration value) {
            requestDeadline = value;
            return this;
        }

        public Builder jwtKey(JwtKey value) {
            jwtKey = value;
            return this;
        }

        public Builder allowedHosts(List<String> value) {
            allowedHosts = value;
            return this;
        }

        public Builder data(Path value) {
            data = value;
            return this;
        }

        public Builder dataSync(boolean value) {
            dataSync = value;
            return this;
        }

        /** @throws IllegalArgumentException for a setting out of its range, saying which */
        public ServerSettings build() {
            return new ServerSettings(
                    host, port, token, timeout, corsOrigin, corsMethods,
                    new HubLimits(history, historyBytes, historyBudget, historyTtl, queueBytes, maxChannels,
                            maxChannelsPerClient, maxSubscribersPerChannel), keepalive,
                    maxEventBytes, redis, redisReplicaAcks, redisCaCert, tlsCert, tlsKey, shutdownTimeout, accessLog, maxConnections,
                    maxConnectionsPerClient, subscribeToken, requestDeadline, jwtKey, maxSubscriptionsPerClient, maxBatchBytes,
                    allowedHosts, data, dataSync);
        }
    }

    private static void requirePositive(String name, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be longer than zero");
        }
    }

    public boolean authRequired() {
        return token != null;
    }

    public boolean tls() {
        return tlsCert != null;
    }
}
