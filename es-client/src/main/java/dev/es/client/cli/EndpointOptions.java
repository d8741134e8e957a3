package dev.es.client.cli;

import dev.es.client.ClientConfig;
import dev.es.client.Endpoint;
import dev.es.client.EndpointResolver;
import dev.es.common.EnvironmentSource;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code --url}, {@code --token}, {@code --token-file} and {@code --cacert}, shared by every client command. */
public final class EndpointOptions {

    @Option(names = "--url", paramLabel = "URL", description = "The hub (default: $ES_URL, the config file, or " + EndpointResolver.DEFAULT_URL + ").")
    String url;

    @Option(names = "--token", paramLabel = "TOKEN", description = "Auth-Token to send (default: $ES_TOKEN or the config file).")
    String token;

    @Option(names = "--token-file", paramLabel = "FILE", description = "Read the token from FILE's first line ('-' for stdin).")
    String tokenFile;

    @Option(
            names = "--cacert",
            paramLabel = "FILE",
            description = "PEM certificate(s) of the authorities to trust for an https:// hub (default: $ES_CACERT, else Java's).")
    Path caCert;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /**
     * Takes the endpoint options from a command line as typed (split at white space, as a shell would split it
     * without quotes), for those not given here: shell completion asks the hub the line being completed names.
     */
    void takeWhatIsTyped(String line) {
        List<String> words = List.of(line.strip().split("\\s+"));
        for (int i = 1; i < words.size(); i++) {
            String word = words.get(i);
            int equals = word.indexOf('=');
            String name = equals > 0 ? word.substring(0, equals) : word;
            String value = equals > 0 ? word.substring(equals + 1) : i + 1 < words.size() ? words.get(i + 1) : null;
            if (value == null) {
                continue;
            }
            switch (name) {
                case "--url" -> url = url != null ? url : value;
                case "--token" -> token = token != null ? token : value;
                // Not standard input: completion must never wait for it.
                case "--token-file" -> tokenFile = tokenFile != null || value.equals("-") ? tokenFile : value;
                case "--cacert" -> caCert = caCert != null ? caCert : Path.of(value);
                default -> { }
            }
        }
    }

    /** Where to go, resolved in {@link EndpointResolver}'s order. */
    public Endpoint endpoint() {
        Map<String, String> env = EnvironmentSource.of(command.root().userObject());
        return new EndpointResolver(env, ClientConfig.forUser(env), System.in).resolve(url, token, tokenFile, caCert);
    }

    /** The user's config file, found through the command's environment (its own, in tests). */
    static ClientConfig config(CommandSpec spec) {
        return ClientConfig.forUser(EnvironmentSource.of(spec.root().userObject()));
    }
}
