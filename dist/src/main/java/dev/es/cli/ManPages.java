package dev.es.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Man pages (roff, section 1) rendered from the picocli model, the same model help and completion come
 * from: {@code es.1} and one {@code es-COMMAND.1} per command.
 */
final class ManPages {

    private ManPages() {}

    /** File name to page, for the root and each visible subcommand. */
    static Map<String, String> render(CommandLine root, String version) {
        Map<String, String> pages = new LinkedHashMap<>();
        pages.put(root.getCommandName() + ".1", page(root, version));
        root.getSubcommands().forEach((name, sub) -> {
            if (!sub.getCommandSpec().usageMessage().hidden() && !name.equals("help")) {
                pages.put(root.getCommandName() + "-" + name + ".1", page(sub, version));
            }
        });
        return pages;
    }

    private static String page(CommandLine cmd, String version) {
        CommandSpec spec = cmd.getCommandSpec();
        String title = spec.qualifiedName("-");
        StringBuilder roff = new StringBuilder();
        roff.append(".TH \"").append(title.toUpperCase(Locale.ROOT)).append("\" 1 \"\" \"es ").append(version)
                .append("\" \"es manual\"\n");
        roff.append(".SH NAME\n").append(escape(title)).append(" \\- ")
                .append(escape(first(spec.usageMessage().description()))).append('\n');
        roff.append(".SH SYNOPSIS\n.nf\n")
                .append(escape(new Help(spec, Help.defaultColorScheme(Help.Ansi.OFF)).synopsis(0).strip()))
                .append("\n.fi\n");
        roff.append(".SH DESCRIPTION\n");
        for (String line : spec.usageMessage().description()) {
            roff.append(line.isBlank() ? ".PP\n" : escape(line) + '\n');
        }
        if (!cmd.getSubcommands().isEmpty()) {
            roff.append(".SH COMMANDS\n");
            cmd.getSubcommands().forEach((name, sub) -> roff.append(".TP\n.B ").append(escape(name)).append('\n')
                    .append(escape(first(sub.getCommandSpec().usageMessage().description()))).append('\n'));
        }
        List<PositionalParamSpec> positionals = spec.positionalParameters();
        if (!positionals.isEmpty()) {
            roff.append(".SH ARGUMENTS\n");
            for (PositionalParamSpec p : positionals) {
                roff.append(".TP\n.I ").append(escape(p.paramLabel())).append('\n')
                        .append(escape(String.join(" ", p.description()))).append('\n');
            }
        }
        roff.append(".SH OPTIONS\n");
        for (OptionSpec option : spec.options()) {
            if (option.hidden()) {
                continue;
            }
            roff.append(".TP\n.B ").append(escape(String.join(", ", option.names())));
            if (option.arity().max() > 0) {
                roff.append(" \\fI").append(escape(option.paramLabel())).append("\\fR");
            }
            roff.append('\n').append(escape(String.join(" ", option.description())
                    .replace("${DEFAULT-VALUE}", String.valueOf(option.defaultValueString())))).append('\n');
        }
        String[] footer = spec.usageMessage().footer();
        if (footer.length > 0) {
            roff.append(".SH EXAMPLES\n.nf\n");
            for (String line : footer) {
                if (!line.isBlank() && !line.equals("Examples:")) {
                    roff.append(escape(line)).append('\n');
                }
            }
            roff.append(".fi\n");
        }
        roff.append(".SH SEE ALSO\n");
        if (cmd.getParent() == null) {
            roff.append(escape(String.join(", ", cmd.getSubcommands().keySet().stream()
                    .filter(name -> !name.equals("help"))
                    .map(name -> spec.name() + "-" + name + "(1)")
                    .toList()))).append('\n');
        } else {
            roff.append(escape(cmd.getParent().getCommandName() + "(1)")).append('\n');
        }
        return roff.toString();
    }

    private static String first(String[] lines) {
        return lines.length == 0 ? "" : lines[0];
    }

    /** Roff text: backslashes and hyphens escaped, and no line read as a request. */
    static String escape(String text) {
        String escaped = text.replace("\\", "\\e").replace("-", "\\-");
        StringBuilder lines = new StringBuilder();
        for (String line : escaped.split("\n", -1)) {
            if (!lines.isEmpty()) {
                lines.append('\n');
            }
            lines.append(line.startsWith(".") || line.startsWith("'") ? "\\&" + line : line);
        }
        return lines.toString();
    }
}
