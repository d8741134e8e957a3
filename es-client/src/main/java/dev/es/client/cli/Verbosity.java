package dev.es.client.cli;

import picocli.CommandLine.ParseResult;

/** Whether {@code --verbose} was given: it is inherited, so to the root or to any subcommand on the way. */
public final class Verbosity {

    private Verbosity() {}

    /** @param parsed the root's parse result */
    public static boolean requested(ParseResult parsed) {
        for (ParseResult level = parsed; level != null; level = level.subcommand()) {
            if (level.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }
}
