package dev.es.client.cli;

import dev.es.client.ClientConfig;
import dev.es.client.Endpoint;
import dev.es.client.EndpointResolver;
import dev.es.common.EnvironmentSource;
import dev.es.common.EsException;
import dev.es.common.UserFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code es config set|get|unset|show}: the client dotfile, and where each setting comes from. */
@Command(
        name = "config",
        description = {
            "Keep the hub's URL and token in a file, and show where the commands find them.",
            "",
            "The file is ~/.config/es/config (mode 600). --url/--token and ES_URL/ES_TOKEN take precedence.",
            ""
        },
        footer = {
            "",
            "Examples:",
            "  es config set url http://hub.internal:8080",
            "  pass show es/token | es config set token -   # from standard input, not the shell's history",
            "  es config get url",
            "  es config show                               # the URL and token in use, and where from",
            "  es config unset token"
        },
        subcommands = {ConfigCommand.Set.class, ConfigCommand.Get.class, ConfigCommand.Unset.class, ConfigCommand.Show.class})
public final class ConfigCommand {

    /** The keys a user may set, for help. */
    static final String KEYS = "url or token";

    /** The keys, for completion. */
    static final class Keys extends ArrayList<String> {
        private static final long serialVersionUID = 1L;

        Keys() {
            super(List.of("url", "token"));
        }
    }

    /** A subcommand that takes one of the keys. */
    abstract static class OnAKey {

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "KEY", completionCandidates = Keys.class, description = KEYS + ".")
        String key;
    }

    @Command(
            name = "set",
            description = "Set url or token; '-' as the value reads it from standard input's first line.",
            footer = {"", "Examples:", "  es config set url http://hub.internal:8080", "  es config set token -"})
    static final class Set extends OnAKey implements Callable<Integer> {

        @Parameters(index = "1", paramLabel = "VALUE", description = "The value ('-': the first line of standard input).")
        String value;

        @Override
        public Integer call() throws IOException {
            String given = value.equals("-") ? firstLineOfStandardInput() : value;
            if (key.equals("url")) {
                try {
                    new Endpoint(Endpoint.url(given), null, null, null);
                } catch (IllegalArgumentException e) {
                    throw new EsException(EsException.USAGE, "bad URL '" + given + "': " + e.getMessage());
                }
            }
            return change(spec, config -> config.set(key, given));
        }

        private static String firstLineOfStandardInput() throws IOException {
            String first = UserFiles.utf8(System.in.readAllBytes(), "standard input").lines().findFirst().orElse("").strip();
            if (first.isEmpty()) {
                throw new EsException(EsException.USAGE, "no value on standard input");
            }
            return first;
        }
    }

    @Command(name = "unset", description = "Remove url or token from the file.")
    static final class Unset extends OnAKey implements Callable<Integer> {

        @Override
        public Integer call() {
            return change(spec, config -> config.unset(key));
        }
    }

    @Command(name = "get", description = "Print the value the file holds for url or token; exit 1, printing nothing, when it holds none.")
    static final class Get extends OnAKey implements Callable<Integer> {

        @Override
        public Integer call() {
            ClientConfig config = EndpointOptions.config(spec);
            if (!key.equals("url") && !key.equals("token")) {
                throw new EsException(EsException.USAGE, "unknown setting '" + key + "': use " + KEYS);
            }
            String found = read(config).get(key);
            if (found == null) {
                return EsException.FAILURE;
            }
            spec.commandLine().getOut().println(found);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "show", description = "Show the URL and the token (masked) the commands would use, and where each comes from.")
    static final class Show implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        EndpointOptions endpoint;

        @Override
        public Integer call() {
            Endpoint used = endpoint.endpoint();
            Map<String, String> env = EnvironmentSource.of(spec.root().userObject());
            ClientConfig config = ClientConfig.forUser(env);
            String urlSource = new EndpointResolver(env, config, System.in).urlSource(endpoint.url);
            PrintWriter out = spec.commandLine().getOut();
            out.println("url    " + used.url() + "  (from " + urlSource + ")");
            out.println("token  " + (used.token() == null ? "none" : masked(used.token()) + "  (from " + used.tokenSource() + ")"));
            out.println("file   " + config.file() + (Files.exists(config.file()) ? "" : "  (none yet)"));
            out.flush();
            return 0;
        }

        /** Enough to tell two tokens apart, not enough to use one. */
        private static String masked(String token) {
            return token.length() < 12 ? "*".repeat(token.length()) : token.substring(0, 2) + "…" + token.substring(token.length() - 2)
                    + " (" + token.length() + " characters)";
        }
    }

    private interface Change {
        void apply(ClientConfig config) throws IOException;
    }

    /** Writes the change to the user's file, with failures in one line. */
    private static int change(CommandSpec spec, Change change) {
        ClientConfig config = EndpointOptions.config(spec);
        try {
            change.apply(config);
        } catch (IllegalArgumentException e) {
            throw new EsException(EsException.USAGE, e.getMessage());
        } catch (IOException e) {
            throw new EsException(EsException.FAILURE, config.file() + ": cannot write: " + UserFiles.why(e));
        }
        return 0;
    }

    private static Map<String, String> read(ClientConfig config) {
        try {
            return config.read();
        } catch (IOException e) {
            throw new EsException(EsException.FAILURE, config.file() + ": " + UserFiles.why(e));
        }
    }
}
