package dev.es.cli;

import dev.es.client.cli.Verbosity;
import dev.es.common.EsException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * How failures reach the user: one line {@code es: <message>} on stderr, the stack trace only with
 * {@code --verbose}; bad usage adds where to read more (and the synopsis, when something is missing).
 */
final class ErrorHandlers implements IExecutionExceptionHandler, IParameterExceptionHandler {

    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        err.println("es: " + message);
        if (Verbosity.requested(parsed)) {
            e.printStackTrace(err);
        }
        err.flush();
        if (e instanceof EsException known) {
            if (known.exitCode() == EsException.USAGE) {
                err.println(tryHelp(cmd));
            }
            return known.exitCode();
        }
        return EsException.FAILURE;
    }

    @Override
    public int handleParseException(ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("es: " + e.getMessage());
        // What is missing reads best beside the synopsis; a wrong value or word is said in its one line.
        if (e instanceof CommandLine.MissingParameterException) {
            err.print(cmd.getHelp().synopsis(0));
        }
        err.println(tryHelp(cmd));
        err.flush();
        return EsException.USAGE;
    }

    private static String tryHelp(CommandLine cmd) {
        return "Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.";
    }
}
