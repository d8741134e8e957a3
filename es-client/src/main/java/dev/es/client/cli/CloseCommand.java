package dev.es.client.cli;

import dev.es.client.EsClient;
import dev.es.common.ChannelName;
import dev.es.common.EsException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code es close CHANNEL... | --all}. */
@Command(
        name = "close",
        description = {"Close channels: disconnect their subscribers, drop their history.", ""},
        footer = {"", "Examples:", "  es close updates", "  es close news sport weather", "  es close --all"})
public final class CloseCommand implements Callable<Integer> {

    @Mixin
    EndpointOptions endpoint;

    @Parameters(arity = "0..*", paramLabel = "CHANNEL", description = "The channels to close.")
    List<String> channels = List.of();

    @Option(names = "--all", description = "Close every channel.")
    boolean all;

    @Override
    public Integer call() {
        if (all == !channels.isEmpty()) {
            throw new EsException(EsException.USAGE, all ? "give channels or --all, not both" : "which channels? give names or --all");
        }
        EsClient client = new EsClient(endpoint.endpoint());
        for (String channel : all ? List.of(ChannelName.ALL) : channels) {
            client.close(channel);
        }
        return 0;
    }
}
