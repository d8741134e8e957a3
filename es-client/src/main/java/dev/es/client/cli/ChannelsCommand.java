package dev.es.client.cli;

import dev.es.client.ChannelInfo;
import dev.es.client.EsClient;
import dev.es.client.HubInfo;
import dev.es.common.Json;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code es channels [CHANNEL]}: what the hub has, from HEAD. */
@Command(
        name = "channels",
        sortOptions = false,
        description = {"List the channels and their subscribers, or show one channel.", ""},
        footer = {
            "",
            "Examples:",
            "  es channels                  # a table on a terminal, one name per line in a pipe",
            "  es channels --json | jq '.[] | select(.consumers > 0) | .name'",
            "  es channels updates          # does it exist, how many subscribers"
        })
public final class ChannelsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    EndpointOptions endpoint;

    @Parameters(index = "0", arity = "0..1", paramLabel = "CHANNEL", description = "Show only this channel.")
    String channel;

    @Option(names = "--json", description = "Print JSON: an array of {\"name\",\"consumers\"}, or one object for CHANNEL.")
    boolean json;

    /** For shell completion: the names only, fast, and nothing at all when the hub is not there. */
    @Option(names = "--names", hidden = true)
    boolean names;

    /** What completion may wait for the hub: a pause at TAB is tolerable, a hang is not. */
    static final Duration COMPLETION_WAIT = Duration.ofMillis(300);

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (names) {
            return printNamesQuietly(out);
        }
        try (EsClient client = new EsClient(endpoint.endpoint())) {
            if (channel != null) {
                ChannelInfo info = client.channel(channel);
                out.println(json ? Json.write(info) : info.name() + "\texists=" + info.exists() + "\tconsumers=" + info.consumers());
            } else {
                list(client, out);
            }
        }
        out.flush();
        return 0;
    }

    private int printNamesQuietly(PrintWriter out) {
        try (EsClient client = new EsClient(endpoint.endpoint(), COMPLETION_WAIT, COMPLETION_WAIT)) {
            client.hub().channels().forEach(out::println);
            out.flush();
            return 0;
        } catch (RuntimeException hubAbsentOrRefusing) {
            return 1;
        }
    }

    private void list(EsClient client, PrintWriter out) {
        HubInfo hub = client.hub();
        List<ChannelInfo> channels = new ArrayList<>();
        for (String name : hub.channels()) {
            channels.add(client.channel(name));
        }
        if (json) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (ChannelInfo info : channels) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("name", info.name());
                row.put("consumers", info.consumers());
                rows.add(row);
            }
            out.println(Json.write(rows));
        } else if (Terminals.stdoutIsTerminal()) {
            int width = Math.max("CHANNEL".length(), channels.stream().mapToInt(c -> c.name().length()).max().orElse(0));
            out.printf("%-" + width + "s  %s%n", "CHANNEL", "CONSUMERS");
            for (ChannelInfo info : channels) {
                out.printf("%-" + width + "s  %d%n", info.name(), info.consumers());
            }
            out.printf("%d channels, %d consumers%n", channels.size(), hub.consumers());
        } else {
            channels.forEach(info -> out.println(info.name()));
        }
    }
}
