package dev.es.cli;

import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code es completion bash|zsh}: the completion script, generated from the command model, so it always
 * matches the commands. Arguments named CHANNEL complete live from the hub through the hidden
 * {@code es channels --names}.
 */
@Command(
        name = "completion",
        description = {"Print the shell completion script.", ""},
        footer = {
            "",
            "Examples:",
            "  source <(es completion bash)             # in ~/.bashrc",
            "  source <(es completion zsh)              # in ~/.zshrc (after compinit)"
        })
final class CompletionCommand implements Callable<Integer> {

    /** The shells whose script this prints; zsh runs the bash one through bashcompinit. */
    enum Shell { bash, zsh }

    /**
     * Asks the hub (bounded, silent on failure) for channel names, newline-separated as picocli's script splits,
     * through the same es the user is completing (the line's first word: ./es from a clone), handing it the line so
     * that a --url or --token typed there is the hub asked.
     */
    private static final String CHANNEL_LOOKUP = "local es=${COMP_LINE#\"${COMP_LINE%%[![:space:]]*}\"}; "
            + "local positionals=$(\"${es%% *}\" channels --names --completing \"$COMP_LINE\" 2>/dev/null)";

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SHELL", description = "bash or zsh.")
    Shell shell;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(script(shell, spec.root().commandLine()));
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** zsh runs the bash script through this. */
    private static final String BASHCOMPINIT = "autoload -U +X bashcompinit && bashcompinit\n";

    /** The completion script of the command tree for the shell. */
    static String script(Shell shell, CommandLine root) {
        String bash = withLiveChannels(AutoComplete.bash(root.getCommandName(), root), root);
        return shell == Shell.zsh ? "autoload -U +X compinit && compinit\n" + BASHCOMPINIT + bash : bash;
    }

    /**
     * The zsh completion as a function zsh loads by itself from its completion directories (the .deb's
     * {@code vendor-completions/_es}): on the first Tab it defines the bash completion through bashcompinit, which
     * takes over from then on, and completes that Tab with it.
     */
    static String zshFunction(CommandLine root) {
        // picocli's script makes compopt an alias of complete, which a function's body, parsed whole before it
        // runs, never sees; what bash's compopt sets, zsh does not need.
        return "#compdef es\n" + BASHCOMPINIT + "(( $+functions[compopt] )) || compopt() { :; }\n"
                + script(Shell.bash, root) + "\n_bash_complete -F _complete_es -o default\n";
    }

    /** In each command whose positional parameters are channels, completes them from the hub. */
    private static String withLiveChannels(String script, CommandLine root) {
        String result = script;
        for (CommandLine sub : root.getSubcommands().values()) {
            boolean takesChannels = sub.getCommandSpec().positionalParameters().stream()
                    .map(PositionalParamSpec::paramLabel)
                    .anyMatch("CHANNEL"::equals);
            if (!takesChannels) {
                continue;
            }
            Pattern function = Pattern.compile(
                    "(function _picocli_" + root.getCommandName() + "_" + sub.getCommandName()
                            + "\\(\\) \\{(?:(?!\nfunction ).)*?)local positionals=\"\"",
                    Pattern.DOTALL);
            Matcher m = function.matcher(result);
            if (!m.find()) {
                throw new IllegalStateException("picocli's script changed shape: no positionals for " + sub.getCommandName());
            }
            result = m.replaceFirst(Matcher.quoteReplacement(m.group(1) + CHANNEL_LOOKUP));
        }
        return result;
    }
}
