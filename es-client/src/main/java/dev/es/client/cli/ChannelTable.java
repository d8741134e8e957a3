package dev.es.client.cli;

import dev.es.common.ChannelStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** The channel table as {@code es channels} prints it and {@code --watch} redraws it: header, rows, total. */
final class ChannelTable {

    private ChannelTable() {}

    /**
     * @param rate the EVENTS/S column for a channel, or null for a table without that column
     * @return the header line, one line per channel, and the total line
     */
    static List<String> lines(List<ChannelStatus> channels, Function<ChannelStatus, String> rate) {
        int width = Math.max("CHANNEL".length(), channels.stream().mapToInt(c -> c.name().length()).max().orElse(0));
        String row = "%-" + width + "s  %9s  %9s" + (rate == null ? "" : "  %9s");
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, row, "CHANNEL", "CONSUMERS", "EVENTS", "EVENTS/S").stripTrailing());
        for (ChannelStatus c : channels) {
            String events = c.events() < 0 ? "-" : Long.toString(c.events());
            lines.add(String.format(Locale.ROOT, row, c.name(), c.consumers(), events, rate == null ? "" : rate.apply(c)));
        }
        lines.add(count(channels.size(), "channel") + ", "
                + count(channels.stream().mapToInt(ChannelStatus::consumers).sum(), "consumer"));
        return lines;
    }

    /** "1 channel", "2 channels", "0 channels". */
    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
