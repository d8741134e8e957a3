package dev.es.cli;

import dev.es.client.cli.ChannelsCommand;
import dev.es.client.cli.CloseCommand;
import dev.es.client.cli.ConfigCommand;
import dev.es.client.cli.PublishCommand;
import dev.es.client.cli.SubscribeCommand;
import dev.es.common.Durations;
import dev.es.server.ServeCommand;
import java.io.PrintWriter;
import java.time.Duration;
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
        subcommands = {
            ServeCommand.class,
            PublishCommand.class,
            SubscribeCommand.class,
            ChannelsCommand.class,
            CloseCommand.class,
            ConfigCommand.class,
            CompletionCommand.class,
            HelpCommand.class
        },
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
public final class Main implements Runnable {

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Show details: stack traces on errors.")
    boolean verbose;

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

    /** Runs the command line with the given output streams and returns its exit code; tests drive the CLI here. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        ErrorHandlers errors = new ErrorHandlers();
        CommandLine cmd = new CommandLine(new Main())
                .setOut(out)
                .setErr(err)
                .registerConverter(Duration.class, Main::duration)
                .setExecutionExceptionHandler(errors)
                .setParameterExceptionHandler(errors);
        return cmd.execute(args);
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
