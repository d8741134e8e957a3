package dev.es.client.cli;

import dev.es.client.Endpoint;
import dev.es.client.bench.BenchResult;
import dev.es.client.bench.BenchSettings;
import dev.es.client.bench.LoadRun;
import dev.es.common.EsException;
import dev.es.common.Hosts;
import dev.es.common.Json;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code es bench}: a load generator for any hub with es's API, or nchan's. */
@Command(
        name = "bench",
        sortOptions = false,
        description = {
            "Measure a hub: subscribers, publishers, deliveries and latency.",
            "",
            "N subscribers over C channels; M events of S bytes from K publishers, as fast as the hub answers or "
                    + "at a rate. Reports deliveries per second, latency percentiles, and anything lost, duplicated "
                    + "or out of order (exit 1 if so). Loopback only, unless a host is named with --allow-host. With --json, "
                    + "the result as one line.",
            ""
        },
        footer = {
            "",
            "Examples:",
            "  es bench -s 1000 -m 2000                    # one channel, 1000 subscribers, 2000 events",
            "  es bench -s 10000 -c 100 -m 5000 -p 4 --json",
            "  es bench --url http://127.0.0.1:8081 --pub-mode raw   # nchan (see bench/nchan.conf)",
            "  es bench --url http://127.0.0.1:8080 --sub-url http://127.0.0.1:8080 --sub-url http://127.0.0.1:8081",
            "                                              # two servers on one Redis: publish on one, subscribe on both"
        })
public final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    EndpointOptions endpoint;

    @Option(names = {"-s", "--subscribers"}, paramLabel = "N", description = "Subscribers (default: ${DEFAULT-VALUE}).")
    int subscribers = 1000;

    @Option(names = "--stalled", paramLabel = "N", description = "Also N subscribers on the first channel that never read (default: 0).")
    int stalled;

    @Option(names = {"-c", "--channels"}, paramLabel = "C", description = "Channels they spread over (default: ${DEFAULT-VALUE}).")
    int channels = 1;

    @Option(names = {"-m", "--events"}, paramLabel = "M", description = "Events to publish (default: ${DEFAULT-VALUE}).")
    long events = 2000;

    @Option(names = "--size", paramLabel = "BYTES", description = "Bytes of data per event (default: ${DEFAULT-VALUE}).")
    int size = 100;

    @Option(names = {"-p", "--publishers"}, paramLabel = "K", description = "Publishers (default: ${DEFAULT-VALUE}).")
    int publishers = 1;

    @Option(names = "--rate", paramLabel = "EVENTS/S", description = "Publish at this rate; 0: as fast as answers come (default).")
    double rate;

    @Option(names = "--connect-rate", paramLabel = "PER_S", description = "Subscribers connected per second (default: ${DEFAULT-VALUE}).")
    double connectRate = 5000;

    @Option(names = "--duration", paramLabel = "DURATION", description = "Stop publishing after this long (default: 60s).")
    Duration duration = Duration.ofSeconds(60);

    @Option(names = "--hold", paramLabel = "DURATION", description = "Keep the subscribers idle this long before publishing (default: 0s).")
    Duration hold = Duration.ZERO;

    @Option(names = "--timeout", paramLabel = "DURATION", description = "Bound on the whole run (default: 120s).")
    Duration timeout = Duration.ofSeconds(120);

    @Option(names = "--pub-mode", paramLabel = "MODE", description = "api: es JSON bodies (default); raw: the body is the data (nchan).")
    String pubMode = "api";

    @Option(names = "--sub-path", paramLabel = "PATH", description = "Subscribe path, {channel} replaced (default: ${DEFAULT-VALUE}).")
    String subPath = "/{channel}";

    @Option(names = "--pub-path", paramLabel = "PATH", description = "Publish path, {channel} replaced (default: ${DEFAULT-VALUE}).")
    String pubPath = "/{channel}";

    @Option(names = "--batch", paramLabel = "N", description = "Send events N to a request, through the batch publish "
            + "(POST /_es/v1/publish; es only); 1: one request per event (default).")
    int batch = 1;

    @Option(names = "--channel-prefix", paramLabel = "PREFIX", description = "Channel names are PREFIX-0, PREFIX-1… (default: ${DEFAULT-VALUE}).")
    String channelPrefix = "bench";

    @Option(
            names = "--sub-url",
            paramLabel = "URL",
            description = "Subscribe on this hub instead of --url; repeat it to spread subscribers over several "
                    + "servers sharing channels (es serve --redis).")
    List<URI> subscribeUrls = new ArrayList<>();

    @Option(names = "--allow-host", paramLabel = "HOST", description = "A host other than loopback that may be loaded.")
    List<String> allowedHosts = List.of();

    @Mixin
    JsonOutput json;

    @Override
    public Integer call() throws InterruptedException {
        Endpoint target = endpoint.endpoint();
        requireLoadable(target.url());
        subscribeUrls.forEach(this::requireLoadable);
        if (!pubMode.equals("api") && !pubMode.equals("raw")) {
            throw new EsException(EsException.USAGE, "--pub-mode is api or raw, not '" + pubMode + "'");
        }
        if (batch > 1 && pubMode.equals("raw")) {
            throw new EsException(EsException.USAGE, "--batch is es's batch publish: it goes with --pub-mode api");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean bar = !json.requested() && Terminals.stderrIsTerminal();
        BenchResult result;
        try {
            BenchSettings settings = new BenchSettings(target.url(), subscribeUrls, target.token(), subscribers, stalled, channels, events,
                    size, rate, publishers, connectRate, duration, hold, timeout, pubMode.equals("raw"), subPath, pubPath,
                    channelPrefix, batch);
            result = new LoadRun(settings).execute(line -> {
                        if (bar) {
                            err.print("\r\u001b[2K" + line);
                            err.flush();
                        }
                    });
        } catch (IllegalArgumentException e) {
            throw new EsException(EsException.USAGE, e.getMessage());
        }
        if (bar) {
            err.print("\r\u001b[2K");
            err.flush();
        }
        out.println(json.requested() ? Json.write(result) : report(result));
        out.flush();
        boolean clean = result.connected() == result.subscribers() && result.lost() == 0
                && result.duplicates() == 0 && result.outOfOrder() == 0 && result.firstError() == null;
        if (!clean) {
            throw new EsException(EsException.FAILURE, "the run was not clean: " + (result.firstError() != null
                    ? result.firstError() : result.lost() + " lost, " + result.duplicates() + " duplicated, "
                            + result.outOfOrder() + " out of order, " + result.connected() + "/" + result.subscribers()
                            + " connected"));
        }
        return 0;
    }

    private String report(BenchResult r) {
        return String.format(Locale.ROOT, String.join("%n",
                        "es bench: %d subscribers on %d channel(s), %d events of %d B from %d publisher(s)",
                        "connected    %d/%d in %d ms",
                        "published    %d",
                        "delivered    %d   lost %d   duplicates %d   out of order %d",
                        "rate         %.0f deliveries/s",
                        "latency      p50 %.2f ms   p90 %.2f ms   p99 %.2f ms   max %.2f ms"),
                r.subscribers(), channels, events, size, publishers,
                r.connected(), r.subscribers(), r.connectMillis(),
                r.published(),
                r.delivered(), r.lost(), r.duplicates(), r.outOfOrder(),
                r.deliveriesPerSecond(),
                r.p50(), r.p90(), r.p99(), r.max());
    }

    /** Plain HTTP (its subscribers are raw sockets), to an allowed host. */
    private void requireLoadable(URI hub) {
        if (!"http".equals(hub.getScheme())) {
            throw new EsException(EsException.USAGE, "es bench speaks plain HTTP only: load an http:// hub, not " + hub);
        }
        requireAllowed(hub.getHost());
    }

    /** Load goes to loopback, or to a host the user named: never by accident somewhere else. */
    private void requireAllowed(String host) {
        if (Hosts.isLoopback(host) || allowedHosts.contains(host)) {
            return;
        }
        throw new EsException(EsException.USAGE, "es bench loads loopback only; name " + host + " with --allow-host to load it");
    }
}
