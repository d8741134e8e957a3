package dev.es.client.cli;

import dev.es.client.ClientConfig;
import dev.es.client.EsClient;
import dev.es.common.EsException;
import dev.es.common.Event;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * {@code es publish CHANNEL} on a terminal with no data: a prompt with line editing and history, each line
 * one event, until Ctrl-D. Its own class so that JLine loads only when a person is typing.
 */
final class PublishPrompt {

    private PublishPrompt() {}

    /** Publishes each line typed; returns the exit code (0 after Ctrl-D, 130 after Ctrl-C). */
    static int run(EsClient client, String channel, Function<String, Event> eventFor, Predicate<String> worthPublishing,
            Path history) {
        try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
            // Raw for the whole session, not only while a line is read: keys typed while an event is being
            // published then wait for the line editor instead of being taken by the terminal's line discipline.
            terminal.enterRawMode();
            ClientConfig.createPrivate(history);
            LineReader reader = LineReaderBuilder.builder()
                    .terminal(terminal)
                    .variable(LineReader.HISTORY_FILE, history)
                    .build();
            PrintWriter out = terminal.writer();
            out.println("Publishing to " + channel + " at " + client.endpoint().url()
                    + ": each line is one event; Ctrl-D ends.");
            out.flush();
            while (true) {
                String line;
                try {
                    line = reader.readLine(channel + "> ");
                } catch (EndOfFileException ctrlD) {
                    return 0;
                } catch (UserInterruptException ctrlC) {
                    return EsException.INTERRUPTED;
                }
                if (!worthPublishing.test(line)) {
                    continue;
                }
                try {
                    String id = client.publish(channel, eventFor.apply(line));
                    out.println("  published" + (id == null ? "" : " as " + id));
                } catch (EsException refused) {
                    // One refusal (a bad line) need not end the session; the message says what was wrong.
                    out.println("  es: " + refused.getMessage());
                    if (refused.exitCode() == EsException.AUTH_REFUSED || refused.exitCode() == EsException.UNREACHABLE) {
                        out.flush();
                        throw refused;
                    }
                }
                out.flush();
            }
        } catch (IOException e) {
            throw new EsException(EsException.FAILURE, "cannot open the terminal: " + e.getMessage(), e);
        }
    }
}
