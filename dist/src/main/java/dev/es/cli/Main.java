package dev.es.cli;

import dev.es.client.cli.BenchCommand;
import dev.es.client.cli.ChannelsCommand;
import dev.es.client.cli.CloseCommand;
import dev.es.client.cli.ConfigCommand;
import dev.es.client.cli.HistoryCommand;
import dev.es.client.cli.PublishCommand;
import dev.es.client.cli.SubscribeCommand;
import dev.es.client.cli.Terminals;
import dev.es.common.Durations;
import dev.es.common.EnvironmentSource;
import dev.es.server.ServeCommand;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code es} command: every subcommand under one root, with shared help, version and error handling. */
@Command(
        name = "es",
        scope = ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        usageHelpAutoWidth = true,
        description = "An EventSource (Server-Sent Events) hub and its command line.",
        footer = {
            "",
            "Examples:",
            "  es serve --token s3cret &                 # channels on http://127.0.0.1:8080",
            "  es subscribe updates --json | jq .data",
            "  es publish --token s3cret updates 'Hello World!'",
            "  es channels --token s3cret",
            "",
            "Run 'es COMMAND --help' for a command's options."
        })
public final class Main implements Runnable, EnvironmentSource {

    /**
     * The subcommands, in the order help lists them. Built on demand: picocli reflects over every command it
     * is given, and a one-request command should not pay for the others (nor load the server's classes).
     */
    private static final Map<String, Supplier<Object>> COMMANDS = commands();

    private static Map<String, Supplier<Object>> commands() {
        Map<String, Supplier<Object>> commands = new LinkedHashMap<>();
        commands.put("serve", ServeCommand::new);
        commands.put("publish", PublishCommand::new);
        commands.put("subscribe", SubscribeCommand::new);
        commands.put("history", HistoryCommand::new);
        commands.put("channels", ChannelsCommand::new);
        commands.put("close", CloseCommand::new);
        commands.put("config", ConfigCommand::new);
        commands.put("bench", BenchCommand::new);
        commands.put("completion", CompletionCommand::new);
        commands.put("version", VersionCommand::new);
        commands.put("help", HelpCommand::new);
        return commands;
    }

    /** The subcommands' names, in the order help lists them. */
    static Set<String> commandNames() {
        return COMMANDS.keySet();
    }

    /** Help's width when not on a terminal: wider than any line of ours, so none is wrapped. */
    private static final int PIPED_HELP_WIDTH = 200;

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Show details: stack traces on errors.")
    boolean verbose;

    private final Map<String, String> environment;

    private Main(Map<String, String> environment) {
        this.environment = environment;
    }

    @Override
    public Map<String, String> environment() {
        return environment;
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Without a subcommand, the root shows its help and fails as bad usage. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        System.exit(run(out, err, args));
    }

    /** Runs the command line with the given output streams and returns its exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return run(out, err, System.getenv(), args);
    }

    /** The same with an environment of the caller's: tests drive the CLI here. */
    public static int run(PrintWriter out, PrintWriter err, Map<String, String> environment, String... args) {
        String wanted = subcommandName(args);
        // help and completion describe every command; anything unrecognised needs them all for its message.
        boolean onlyOne = COMMANDS.containsKey(wanted) && !wanted.equals("help") && !wanted.equals("completion");
        ErrorHandlers errors = new ErrorHandlers();
        return commandLine(onlyOne ? wanted : null, environment)
                .setOut(out)
                .setErr(err)
                .setExecutionExceptionHandler(errors)
                .setParameterExceptionHandler(errors)
                .execute(args);
    }

    /** The whole command tree, as help, completion and man pages describe it. */
    static CommandLine commandLine() {
        return commandLine(null, System.getenv());
    }

    /** The root with one subcommand, or all of them when {@code only} is null. */
    private static CommandLine commandLine(String only, Map<String, String> environment) {
        CommandLine cmd = new CommandLine(new Main(environment));
        COMMANDS.forEach((name, command) -> {
            if (only == null || name.equals(only)) {
                cmd.addSubcommand(name, command.get());
            }
        });
        if (!Terminals.stdoutIsTerminal()) {
            // Piped or saved help has no width to fit: lines (examples with their comments) stay whole.
            cmd.setUsageHelpAutoWidth(false).setUsageHelpWidth(PIPED_HELP_WIDTH);
        }
        return cmd.registerConverter(Duration.class, Main::duration);
    }

    /** The first argument that is not an option: the subcommand, when there is one. */
    private static String subcommandName(String[] args) {
        for (String arg : args) {
            if (!arg.startsWith("-")) {
                return arg;
            }
        }
        return "";
    }

    /** Picocli shows a conversion failure's own message, so the user reads our wording, not a Java class name. */
    private static Duration duration(String text) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
