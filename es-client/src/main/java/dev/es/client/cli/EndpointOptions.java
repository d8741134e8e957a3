package dev.es.client.cli;

import dev.es.client.Endpoint;
import dev.es.client.EndpointResolver;
import picocli.CommandLine.Option;

/** {@code --url}, {@code --token} and {@code --token-file}, shared by every client command. */
public final class EndpointOptions {

    @Option(names = "--url", paramLabel = "URL", description = "The hub (default: $ES_URL, the config file, or http://127.0.0.1:8080).")
    String url;

    @Option(names = "--token", paramLabel = "TOKEN", description = "Auth-Token to send (default: $ES_TOKEN or the config file).")
    String token;

    @Option(names = "--token-file", paramLabel = "FILE", description = "Read the token from FILE's first line ('-' for stdin).")
    String tokenFile;

    /** Where to go, resolved in {@link EndpointResolver}'s order. */
    public Endpoint endpoint() {
        return EndpointResolver.forProcess().resolve(url, token, tokenFile);
    }
}
