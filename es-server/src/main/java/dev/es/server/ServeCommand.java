package dev.es.server;

import dev.es.common.EnvironmentSource;
import dev.es.common.EsException;
import dev.es.common.Durations;
import dev.es.common.Hosts;
import dev.es.common.Protocol;
import dev.es.common.Token;
import dev.es.server.access.JwtKey;
import dev.es.server.broker.BrokerUnavailableException;
import dev.es.server.store.DataDirectoryException;
import dev.es.server.hub.HubLimits;
import io.javalin.util.JavalinBindException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code es serve}: runs a hub until Ctrl-C or SIGTERM. */
@Command(
        name = "serve",
        sortOptions = false,
        description = {
            "Run an EventSource hub.",
            "",
            "GET /CHANNEL streams events, POST /CHANNEL publishes JSON {\"id\",\"event\",\"data\"}, "
                    + "DELETE /CHANNEL closes a channel, HEAD /CHANNEL tells its subscriber count.",
            "",
            "Speaks HTTP/1.1 and HTTP/2 in clear text (h2c); with --tls-cert and --tls-key, HTTPS with HTTP/2 "
                    + "(browsers open at most six HTTP/1.1 connections to a host, so a page following more "
                    + "channels needs HTTP/2).",
            ""
        },
        footer = {
            "",
            "Examples:",
            "  es serve                         # http://127.0.0.1:8080, no token",
            "  es serve --port 9000 --token s3cret",
            "  ES_TOKEN=s3cret es serve --host 0.0.0.0 --cors-origin '*'",
            "  es serve --history 0 --keepalive 30s",
            "  es serve --redis redis://127.0.0.1:6379       # several servers, one hub",
            "  es serve --tls-cert cert.pem --tls-key key.pem  # HTTPS and HTTP/2",
            "  es serve --config /etc/es/serve.yaml",
            "",
            "Every option can also be set in the environment, ES_ and its name in capitals with _ for - "
                    + "(ES_PORT=9000, ES_CORS_ORIGIN='*'), or in the YAML file --config names (port: 9000, "
                    + "cors-methods: [GET, POST]). A flag wins over the environment, the environment over the file.",
            "",
            "Ctrl-C or SIGTERM stops accepting, tells every subscriber to come back (a retry: hint, then the end "
                    + "of its stream: EventSource reconnects, to another server behind a load balancer) and exits "
                    + "within --shutdown-timeout."
        })
public final class ServeCommand implements Callable<Integer> {

    /** 128 + SIGTERM's 15, as a shell reports a process that SIGTERM ended. */
    private static final int EXIT_ON_SIGTERM = 143;

    @Spec
    CommandSpec spec;

    @Option(names = "--host", paramLabel = "ADDRESS", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host = ServerSettings.DEFAULT_HOST;

    @Option(names = "--port", paramLabel = "PORT", description = "Port to listen on, 0 for any free one (default: ${DEFAULT-VALUE}).")
    int port = ServerSettings.DEFAULT_PORT;

    @Option(
            names = "--token",
            paramLabel = "TOKEN",
            description = "Token that POST, DELETE and HEAD must send in Auth-Token or Authorization: Bearer; it also "
                    + "opens every channel to follow (default: $ES_TOKEN).")
    String token;

    @Option(names = "--token-file", paramLabel = "FILE", description = "Read the token from the first line of FILE ('-' for stdin).")
    String tokenFile;

    @Option(names = "--subscribe-token", paramLabel = "TOKEN",
            description = "Token a subscriber must show (Authorization: Bearer, Auth-Token, the es_token cookie, or "
                    + "?token=) to follow any channel (default: none, anyone may follow).")
    String subscribeToken;

    @Option(names = "--jwt-key", paramLabel = "FILE",
            description = "Key that channel tokens are signed with: a PEM public key (RS256, ES256…) or an HMAC "
                    + "secret (HS256…, at least 32 bytes). A channel token is a JWT whose \"es\" claim names the "
                    + "channels its holder may follow and publish to: {\"es\": {\"subscribe\": [\"news-*\"], "
                    + "\"publish\": [\"chat\"]}}. Makes every channel private; needs --token.")
    Path jwtKey;

    @Option(names = "--no-auth", description = "Allow listening beyond loopback with no token.")
    boolean noAuth;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            description = "Drop a subscriber whose writes make no progress this long, and cut a request whose headers "
                    + "or body stop coming this long (default: 10s).")
    Duration timeout = ServerSettings.DEFAULT_TIMEOUT;

    @Option(names = "--cors-origin", paramLabel = "ORIGIN", description = "Access-Control-Allow-Origin to send, e.g. '*' (default: none).")
    String corsOrigin;

    @Option(
            names = "--cors-methods",
            paramLabel = "METHOD",
            split = ",",
            description = "Methods cross-origin pages may use (default: GET,POST,DELETE,HEAD).")
    List<String> corsMethods = ServerSettings.DEFAULT_CORS_METHODS;

    @Option(
            names = "--allowed-hosts",
            paramLabel = "HOST",
            split = ",",
            description = "Host names requests may use besides localhost, 127.0.0.1 and [::1] (e.g. es.example.com; "
                    + "'*' for any). Default: on loopback, loopback names only (a web page cannot reach the hub by "
                    + "DNS rebinding); on other addresses, any.")
    List<String> allowedHosts = List.of();

    @Option(names = "--history", paramLabel = "N", description = "Events kept per channel for replay (default: ${DEFAULT-VALUE}).")
    int history = HubLimits.DEFAULT_HISTORY_EVENTS;

    @Option(names = "--keepalive", paramLabel = "DURATION", description = "Comment interval on idle streams (default: 15s).")
    Duration keepalive = ServerSettings.DEFAULT_KEEPALIVE;

    @Option(names = "--max-event-bytes", paramLabel = "BYTES", description = "Largest publish body accepted (default: ${DEFAULT-VALUE}).")
    long maxEventBytes = ServerSettings.DEFAULT_MAX_EVENT_BYTES;

    @Option(names = "--max-batch-bytes", paramLabel = "BYTES",
            description = "Largest batch publish (POST /_es/v1/publish) accepted, all its lines together (default: "
                    + "${DEFAULT-VALUE}).")
    long maxBatchBytes = ServerSettings.DEFAULT_MAX_BATCH_BYTES;

    @Option(names = "--history-bytes", paramLabel = "BYTES",
            description = "Bytes of events kept per channel for replay; the oldest go first (default: ${DEFAULT-VALUE}).")
    long historyBytes = HubLimits.DEFAULT_HISTORY_BYTES;

    @Option(names = "--history-budget", paramLabel = "BYTES",
            description = "Bytes every channel's history holds together, each event's overhead counted; past it the "
                    + "oldest events of the whole hub go first, and the log says so (default: a quarter of the heap).")
    Long historyBudget;

    @Option(names = "--history-ttl", paramLabel = "DURATION",
            description = "How long an event is kept for replay; a channel left with no history and no subscribers is "
                    + "forgotten (default: 1h).")
    Duration historyTtl = HubLimits.DEFAULT_HISTORY_TTL;

    @Option(names = "--max-channels", paramLabel = "N",
            description = "Channels held at once; one more is refused with 503 (default: ${DEFAULT-VALUE}).")
    int maxChannels = HubLimits.DEFAULT_CHANNELS;

    @Option(names = "--max-channels-per-client", paramLabel = "N",
            description = "Channels one client (an address, unless it shows the hub's token) may have made that still "
                    + "exist; one more is refused with 429 (default: ${DEFAULT-VALUE}).")
    int maxChannelsPerClient = HubLimits.DEFAULT_CHANNELS_PER_CLIENT;

    @Option(names = "--max-subscriptions-per-client", paramLabel = "N",
            description = "Channels one client (an address, unless it shows the hub's token) follows at once across its "
                    + "streams, each channel of a stream counted; past it a stream is refused with 429 (default: "
                    + "${DEFAULT-VALUE}).")
    int maxSubscriptionsPerClient = ServerSettings.DEFAULT_MAX_SUBSCRIPTIONS_PER_CLIENT;

    @Option(names = "--max-subscribers-per-channel", paramLabel = "N",
            description = "Subscribers of one channel at once; one more is refused with 429 (default: ${DEFAULT-VALUE}).")
    int maxSubscribersPerChannel = HubLimits.DEFAULT_SUBSCRIBERS_PER_CHANNEL;

    @Option(names = "--max-connections", paramLabel = "N",
            description = "Connections open at once; past it requests get 503 (default: ${DEFAULT-VALUE}).")
    int maxConnections = ServerSettings.DEFAULT_MAX_CONNECTIONS;

    @Option(names = "--max-connections-per-client", paramLabel = "N",
            description = "Connections one address holds at once; past it its requests get 429 (default: ${DEFAULT-VALUE}).")
    int maxConnectionsPerClient = ServerSettings.DEFAULT_MAX_CONNECTIONS_PER_CLIENT;

    @Option(names = "--request-deadline", paramLabel = "DURATION",
            description = "A request's headers and body must arrive whole this soon after their first byte, or its "
                    + "connection is cut, however steadily they trickle (default: 30s).")
    Duration requestDeadline = ServerSettings.DEFAULT_REQUEST_DEADLINE;

    @Option(
            names = "--shutdown-timeout",
            paramLabel = "DURATION",
            description = "On Ctrl-C or SIGTERM: stop accepting, tell subscribers to come back (retry:), close, "
                    + "and exit within this long (default: 2s).")
    Duration shutdownTimeout = ServerSettings.DEFAULT_SHUTDOWN_TIMEOUT;

    @Option(
            names = "--tls-cert",
            paramLabel = "FILE",
            description = "Serve HTTPS, and HTTP/2 over it, with this PEM certificate chain (needs --tls-key).")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "The PEM (PKCS#8) private key of --tls-cert.")
    Path tlsKey;

    @Option(
            names = "--redis",
            paramLabel = "URI",
            split = ",",
            description = {
                "Share channels, history and counts with every es serve on this Redis: "
                        + "redis://[user:password@]HOST[:PORT][/DB], rediss:// for TLS (default: $ES_REDIS). A node of "
                        + "a Redis Cluster will do: the cluster is found from it; repeat the flag (or give a comma list) "
                        + "to name more nodes to start from."
            })
    List<String> redis;

    @Option(
            names = "--redis-replica-acks",
            paramLabel = "N",
            description = "With --redis, answer a publish only once N of Redis's replicas hold the event (WAIT), so that"
                    + " a failover loses no answered event (default: 0, once the primary holds it).")
    int redisReplicaAcks;

    @Option(
            names = "--data",
            paramLabel = "DIR",
            description = "Keep every channel's history on disk in DIR (made if missing): a publish is answered once its"
                    + " event is on disk, and a restart serves the same history (default: $ES_DATA; none, history in"
                    + " memory only).")
    Path data;

    @Option(
            names = "--data-sync",
            paramLabel = "MODE",
            description = "With --data, what an answered publish survives: 'full' (default) waits for the disk, so a"
                    + " power loss too; 'relaxed' only for the operating system, so the process being killed, not the"
                    + " machine failing, at a fraction of the wait.")
    String dataSync = "full";

    @Option(
            names = "--redis-cacert",
            paramLabel = "FILE",
            description = "PEM file of the certificate authorities to trust for rediss:// (default: Java's).")
    Path redisCaCert;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "Read settings from this YAML file, one 'option-name: value' per line (default: $ES_CONFIG).")
    Path config;

    @Option(
            names = "--log-format",
            paramLabel = "FORMAT",
            description = "text: a line for people (default); json: one JSON object per line, for machines.")
    String logFormat = "text";

    @Option(names = "--access-log", description = "Log every request, a stream once it ends (no query strings).")
    boolean accessLog;

    @Override
    public Integer call() throws InterruptedException {
        String configVariable = environment().get("ES_CONFIG");
        SettingSources.apply(spec, environment(), config != null ? config
                : configVariable == null || configVariable.isBlank() ? null : Path.of(configVariable));
        ServerSettings settings = settings();
        ServerLog log = new ServerLog(spec.commandLine().getOut(), logFormat());
        long startedAt = System.nanoTime();
        EsServer server;
        try {
            server = EsServer.start(settings, log);
        } catch (BrokerUnavailableException | DataDirectoryException e) {
            throw new EsException(EsException.FAILURE, e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new EsException(EsException.USAGE, e.getMessage(), e);
        } catch (JavalinBindException e) {
            throw new EsException(EsException.FAILURE, "cannot listen on " + host + ":" + port + ": "
                    + EsException.rootMessage(e).toLowerCase(Locale.ROOT), e);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // Whatever a stop waits on, the process is gone when the shutdown timeout is over.
            Thread.ofPlatform().daemon().name("es-serve-deadline").start(() -> {
                try {
                    Thread.sleep(settings.shutdownTimeout());
                    log.warn("stop", "still stopping after --shutdown-timeout " + settings.shutdownTimeout().toMillis()
                            + " ms: exiting now");
                    Runtime.getRuntime().halt(EXIT_ON_SIGTERM);
                } catch (InterruptedException ignored) {
                    // Not reached: nothing interrupts it.
                }
            });
            server.stop();
            Duration up = Duration.ofNanos(System.nanoTime() - startedAt);
            log.info("stop", "stopped (it had been up " + Durations.words(up) + ")", Map.of("uptimeSeconds", up.toSeconds()));
            stopped.countDown();
        }, "es-serve-shutdown"));
        log.info("start", String.format(Locale.ROOT, "listening on %s,%s console %s%s, auth %s, history %d events per channel%s",
                        server.url(),
                        Hosts.isEveryInterface(host) ? " and every other interface (--host " + host + ")," : "",
                        server.url(), Protocol.CONSOLE_PATH,
                        !settings.authRequired() ? "off"
                                : settings.jwtKey() == null ? "on (Auth-Token)" : "on (Auth-Token, channel tokens)",
                        settings.limits().historyEvents(),
                        settings.redis() != null ? ", channels shared through Redis"
                                : settings.data() == null ? "" : ", kept in " + settings.data() + " (" + server.historyRead() + ")"),
                startFields(server.url().toString(), settings));
        stopped.await();
        return 0;
    }

    private ServerSettings settings() {
        String resolvedToken = token();
        if (resolvedToken == null && !noAuth && !Hosts.isLoopback(host)) {
            throw new EsException(EsException.FAILURE, "refusing to listen on " + host
                    + " with no token: anyone could publish; set --token (or ES_TOKEN) or pass --no-auth");
        }
        try {
            return ServerSettings.builder()
                    .host(host)
                    .port(port)
                    .token(resolvedToken)
                    .timeout(timeout)
                    .corsOrigin(corsOrigin)
                    .corsMethods(corsMethods)
                    .history(history)
                    .keepalive(keepalive)
                    .maxEventBytes(maxEventBytes)
                    .redis(redis == null ? null : String.join(",", redis))
                    .redisReplicaAcks(redisReplicaAcks)
                    .redisCaCert(redisCaCert)
                    .tls(tlsCert, tlsKey)
                    .shutdownTimeout(shutdownTimeout)
                    .accessLog(accessLog)
                    .historyBytes(historyBytes)
                    .historyBudget(historyBudget != null ? historyBudget : HubLimits.defaultHistoryBudget())
                    .historyTtl(historyTtl)
                    .maxChannels(maxChannels)
                    .maxBatchBytes(maxBatchBytes)
                    .maxChannelsPerClient(maxChannelsPerClient)
                    .maxSubscriptionsPerClient(maxSubscriptionsPerClient)
                    .maxSubscribersPerChannel(maxSubscribersPerChannel)
                    .maxConnections(maxConnections)
                    .maxConnectionsPerClient(maxConnectionsPerClient)
                    .subscribeToken(subscribeToken)
                    .requestDeadline(requestDeadline)
                    .jwtKey(jwtKey == null ? null : JwtKey.read(jwtKey))
                    .allowedHosts(allowedHosts)
                    .data(data)
                    .dataSync(switch (dataSync) {
                        case "full" -> true;
                        case "relaxed" -> false;
                        default -> throw new IllegalArgumentException("--data-sync is full or relaxed, not '" + dataSync + "'");
                    })
                    .build();
        } catch (IllegalArgumentException e) {
            throw new EsException(EsException.USAGE, e.getMessage());
        }
    }

    private String token() {
        Token found = Token.find(token, tokenFile, environment(), System.in);
        return found == null ? null : found.value();
    }

    private static Map<String, Object> startFields(String url, ServerSettings settings) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("url", url);
        fields.put("auth", settings.authRequired());
        fields.put("history", settings.limits().historyEvents());
        fields.put("redis", settings.redis() != null);
        fields.put("data", settings.data() == null ? null : settings.data().toString());
        return fields;
    }

    private ServerLog.Format logFormat() {
        return switch (logFormat) {
            case "text" -> ServerLog.Format.TEXT;
            case "json" -> ServerLog.Format.JSON;
            default -> throw new EsException(EsException.USAGE, "--log-format is text or json, not '" + logFormat + "'");
        };
    }

    private Map<String, String> environment() {
        return EnvironmentSource.of(spec.root().userObject());
    }
}
