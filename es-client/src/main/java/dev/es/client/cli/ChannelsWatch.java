package dev.es.client.cli;

import dev.es.client.EsClient;
import dev.es.common.ChannelStatus;
import dev.es.common.EsException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.Display;
import org.jline.utils.NonBlockingReader;

/**
 * {@code es channels --watch}: the channel table redrawn in place every interval, with each channel's event
 * rate since the previous look. Its own class so that JLine loads only when a person is watching.
 */
final class ChannelsWatch {

    /** How often the table is refreshed: often enough to feel live, rarely enough to cost the hub nothing. */
    static final Duration INTERVAL = Duration.ofSeconds(1);

    private static final int QUIT = 'q';
    private static final int CTRL_C = 3;

    private ChannelsWatch() {}

    /** Redraws until q or Ctrl-C; returns the exit code (0 after q, 130 after Ctrl-C). */
    static int run(EsClient client) {
        try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
            terminal.enterRawMode();
            Display display = new Display(terminal, true);
            NonBlockingReader keys = terminal.reader();
            Map<String, Long> lastEvents = new HashMap<>();
            long lastLook = 0;
            while (true) {
                List<ChannelStatus> channels = client.channels();
                long now = System.nanoTime();
                double seconds = lastLook == 0 ? 0 : (now - lastLook) / 1e9;
                display.resize(terminal.getHeight(), terminal.getWidth());
                display.update(lines(client, channels, lastEvents, seconds), -1);
                terminal.flush();
                lastLook = now;
                lastEvents.clear();
                channels.forEach(c -> lastEvents.put(c.name(), c.events()));
                int key = keys.read(INTERVAL.toMillis());
                if (key == QUIT || key == CTRL_C) {
                    display.update(List.of(), -1);
                    terminal.flush();
                    return key == QUIT ? 0 : EsException.INTERRUPTED;
                }
            }
        } catch (IOException e) {
            throw new EsException(EsException.FAILURE, "cannot use the terminal: " + e.getMessage(), e);
        }
    }

    private static List<AttributedString> lines(
            EsClient client, List<ChannelStatus> channels, Map<String, Long> lastEvents, double seconds) {
        List<String> table = ChannelTable.lines(channels, c -> {
            Long before = lastEvents.get(c.name());
            return c.events() < 0 || before == null || seconds == 0
                    ? "-"
                    : String.format(Locale.ROOT, "%.1f", Math.max(0, c.events() - before) / seconds);
        });
        List<AttributedString> lines = new ArrayList<>();
        lines.add(new AttributedString("es channels --watch   " + client.endpoint().url() + "   (q quits)"));
        lines.add(new AttributedString(""));
        lines.add(AttributedString.fromAnsi("\u001b[1m" + table.get(0) + "\u001b[0m"));
        table.subList(1, table.size() - 1).forEach(line -> lines.add(new AttributedString(line)));
        lines.add(new AttributedString(""));
        lines.add(new AttributedString(table.get(table.size() - 1)));
        return lines;
    }
}
