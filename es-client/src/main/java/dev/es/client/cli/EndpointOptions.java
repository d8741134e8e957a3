package dev.es.client.cli;

import dev.es.client.Endpoint;
import dev.es.client.ClientConfig;
import dev.es.client.EndpointResolver;
import dev.es.common.EnvironmentSource;
import java.nio.file.Path;
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
