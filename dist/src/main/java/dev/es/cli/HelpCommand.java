package dev.es.cli;

import dev.es.common.EsException;
import java.io.PrintWriter;
import java.util.ArrayList;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.IHelpCommandInitializable2;
import picocli.CommandLine.Parameters;

/** {@code es help [COMMAND | exit-codes]}: a command's help, or a topic that belongs to no one command. */
@Command(
        name = "help",
        helpCommand = true,
        description = {"Show help for a command, or the exit codes (es help exit-codes).", ""})
final class HelpCommand implements IHelpCommandInitializable2, Runnable {

    static final String EXIT_CODES_TOPIC = "exit-codes";

    /** What completion offers after es help: every command, and the topic. */
    static final class Topics extends ArrayList<String> {
        private static final long serialVersionUID = 1L;

        Topics() {
            super(Main.commandNames());
            add(EXIT_CODES_TOPIC);
        }
    }

    @Parameters(arity = "0..1", paramLabel = "COMMAND", completionCandidates = Topics.class, description = "A command, or 'exit-codes'.")
    String topic;

    private CommandLine self;
    private PrintWriter out;

    @Override
    public void init(CommandLine helpCommandLine, Help.ColorScheme colors, PrintWriter outWriter, PrintWriter errWriter) {
        self = helpCommandLine;
        out = outWriter;
    }

    @Override
    public void run() {
        CommandLine root = self.getParent();
        if (topic == null) {
            root.usage(out);
        } else if (topic.equals(EXIT_CODES_TOPIC)) {
            out.print(exitCodes());
        } else if (root.getSubcommands().containsKey(topic)) {
            root.getSubcommands().get(topic).usage(out);
        } else {
            throw new CommandLine.ParameterException(self, "no command or topic '" + topic + "': try 'es help'");
        }
        out.flush();
    }

    static String exitCodes() {
        return String.join("\n",
                "Exit codes of es commands:",
                "  " + 0 + "    success",
                "  " + EsException.FAILURE + "    failure: the hub refused the request (its message is shown) or a file could not be read",
                "  " + EsException.USAGE + "    bad usage: an unknown option, a missing or malformed argument",
                "  " + EsException.NOTHING_TO_PUBLISH + "    es publish: no data (empty, or only white space; --allow-empty publishes it)",
                "  " + EsException.AUTH_REFUSED + "    the hub refused the token (403); the message says where the token came from",
                "  " + EsException.UNREACHABLE + "    the hub could not be reached",
                "  " + EsException.GAP + "    es subscribe or es history --no-gaps: the hub no longer holds every event after the id resumed from",
                "  " + EsException.NO_SUCH_CHANNEL + "    es channels CHANNEL: the hub has no such channel",
                "  " + EsException.TIMEOUT + "  es subscribe --timeout passed with no event",
                "  " + EsException.INTERRUPTED + "  interrupted (Ctrl-C)",
                "");
    }
}
