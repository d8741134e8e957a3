package dev.es.client.cli;

import dev.es.client.ChannelInfo;
import dev.es.client.EsClient;
import dev.es.common.ChannelStatus;
import dev.es.common.EsException;
import dev.es.common.Json;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code es channels [CHANNEL]}: what the hub has, from its JSON listing (or HEAD, from a hub without one). */
@Command(
        name = "channels",
        sortOptions = false,
        description = {
            "List the channels and their subscribers, or show one channel.",
            "",
            "With --json: an array of {\"name\",\"consumers\",\"events\",\"lastEventAt\"}, or for CHANNEL one "
                    + "{\"name\",\"exists\",\"consumers\"}.",
            ""
        },
        footer = {
            "",
            "Examples:",
            "  es channels                  # a table on a terminal, one name per line in a pipe",
            "  es channels --json | jq '.[] | select(.consumers > 0) | .name'",
            "  es channels --watch          # live, with event rates",
            "  es channels updates          # does it exist (exit 7 if not), how many subscribers",
            "  es channels updates >/dev/null && echo there"
        })
public final class ChannelsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    EndpointOptions endpoint;

    @Parameters(index = "0", arity = "0..1", paramLabel = "CHANNEL", description = "Show only this channel.")
    String channel;

    @Mixin
    JsonOutput json;

    @Option(names = "--watch", description = "Redraw the table every second with event rates, until q or Ctrl-C. "
            + "Needs a terminal: refused (exit 2) when standard input or output is not one.")
    boolean watch;

    /** For shell completion: the names only, fast, and nothing at all when the hub is not there. */
    @Option(names = "--names", hidden = true)
    boolean names;

    /** For shell completion: the line being completed, whose --url, --token and the like say which hub to ask. */
    @Option(names = "--completing", hidden = true)
    String completing;

    /** What completion may wait for the hub: a pause at TAB is tolerable, a hang is not. */
    static final Duration COMPLETION_WAIT = Duration.ofMillis(300);

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (names) {
            return printNamesQuietly(out);
        }
        EsClient client = new EsClient(endpoint.endpoint());
        if (watch) {
            if (!Terminals.stdinIsTerminal() || !Terminals.stdoutIsTerminal()) {
                throw new EsException(EsException.USAGE, "--watch redraws a terminal, and standard input or output is "
                        + "not one: in a script, run es channels each time (watch -n 1 es channels, or a loop)");
            }
            return ChannelsWatch.run(client);
        }
        if (channel != null) {
            ChannelInfo info = client.channel(channel);
            out.println(json.requested() ? Json.write(info) : info.name() + "\texists=" + info.exists() + "\tconsumers=" + info.consumers());
            out.flush();
            return info.exists() ? 0 : EsException.NO_SUCH_CHANNEL;
        }
        list(client, out);
        out.flush();
        return 0;
    }

    private int printNamesQuietly(PrintWriter out) {
        try {
            if (completing != null) {
                endpoint.takeWhatIsTyped(completing);
            }
            new EsClient(endpoint.endpoint(), COMPLETION_WAIT, COMPLETION_WAIT).channelNames().forEach(out::println);
            out.flush();
            return 0;
        } catch (RuntimeException hubAbsentOrRefusing) {
            return 1;
        }
    }

    private void list(EsClient client, PrintWriter out) {
        List<ChannelStatus> channels = client.channels();
        if (json.requested()) {
            out.println(Json.write(channels));
        } else if (Terminals.stdoutIsTerminal()) {
            ChannelTable.lines(channels, null).forEach(out::println);
        } else {
            channels.forEach(c -> out.println(c.name()));
        }
    }
}
