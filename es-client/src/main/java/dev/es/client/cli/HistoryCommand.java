package dev.es.client.cli;

import dev.es.client.ChannelHistory;
import dev.es.client.EsClient;
import dev.es.common.EsException;
import dev.es.common.Event;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code es history CHANNEL}: prints the events a channel retains, as {@code es subscribe} would, and exits. */
@Command(
        name = "history",
        sortOptions = false,
        description = {
            "Print the events a channel retains, oldest first, and exit.",
            "",
            "As es subscribe prints them (the data, --json or --sse), without waiting for new ones. After --after ID,"
                    + " only those that came after it; if the hub no longer holds what came between, one line on stderr"
                    + " says so.",
            ""
        },
        footer = {
            "",
            "Examples:",
            "  es history updates                 # every event the hub retains",
            "  es history updates --after 41      # what came after event 41",
            "  es history updates -n 10 --json    # the oldest ten, one JSON object per line",
            "",
            "Exit status: 0; 4 token refused; 5 hub unreachable; 6 a gap after --after, with --no-gaps."
        })
public final class HistoryCommand implements Callable<Integer> {

    /** The most events the hub returns to one request: more are read page by page. */
    private static final int PAGE = 1000;

    @Spec
    CommandSpec spec;

    @Mixin
    EndpointOptions endpoint;

    @Parameters(paramLabel = "CHANNEL", description = "The channel whose history to print.")
    String channel;

    @Option(names = "--after", paramLabel = "ID", description = "Only the events that came after this id.")
    String after;

    @Option(names = {"-n", "--count"}, paramLabel = "N", description = "At most N events (default: all it retains).")
    Long count;

    @Mixin
    JsonOutput json;

    @Mixin
    EventFormat format;

    @Option(names = "--no-gaps", description = "Exit with status 6, printing nothing, when the history after --after has a gap.")
    boolean noGaps;

    @Override
    public Integer call() {
        format.check(json.requested());
        if (count != null && count < 1) {
            throw new EsException(EsException.USAGE, "--count must be at least 1");
        }
        PrintWriter out = spec.commandLine().getOut();
        EsClient client = new EsClient(endpoint.endpoint());
        long left = count == null ? Long.MAX_VALUE : count;
        String from = after;
        boolean first = true;
        while (left > 0) {
            ChannelHistory page = client.history(channel, from, (int) Math.min(PAGE, left));
            if (first && !page.exact()) {
                spec.commandLine().getErr().println("es: " + channel + ": the hub no longer holds all that came after "
                        + after);
                if (noGaps) {
                    return EsException.GAP;
                }
            }
            first = false;
            for (Event event : page.events()) {
                if (!format.print(out, json.requested(), false,
                        new EventFormat.Printed(channel, event.id(), event.event(), event.data(), null))) {
                    return 0;
                }
            }
            if (page.events().size() < Math.min(PAGE, left)) {
                break;
            }
            left -= page.events().size();
            from = page.events().getLast().id();
        }
        return 0;
    }
}
