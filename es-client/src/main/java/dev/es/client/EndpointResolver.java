package dev.es.client;

import dev.es.common.EsException;
import dev.es.common.Token;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * The one place that decides where a client command goes and which token it sends. For each of the URL and
 * the token, the first that is set wins: the command-line flag ({@code --url}; {@code --token} or
 * {@code --token-file}), then the environment ({@code ES_URL}, {@code ES_TOKEN}), then the dotfile
 * ({@link ClientConfig}), then the default ({@value #DEFAULT_URL}, no token). The authorities to trust for
 * https: {@code --cacert}, then {@code ES_CACERT}, then the Java runtime's.
 */
public final class EndpointResolver {

    /** Where {@code es serve} listens by default. */
    public static final String DEFAULT_URL = "http://127.0.0.1:8080";

    private final Map<String, String> env;
    private final ClientConfig config;
    private final InputStream stdin;

    public EndpointResolver(Map<String, String> env, ClientConfig config, InputStream stdin) {
        this.env = env;
        this.config = config;
        this.stdin = stdin;
    }

    /**
     * @param urlFlag {@code --url}, or null
     * @param tokenFlag {@code --token}, or null
     * @param tokenFile {@code --token-file} ("-" for stdin), or null
     * @param caCertFlag {@code --cacert}, or null
     */
    public Endpoint resolve(String urlFlag, String tokenFlag, String tokenFile, Path caCertFlag) {
        Token token = Token.find(tokenFlag, tokenFile, env, stdin);
        Map<String, String> file = readConfig();
        if (token == null && isSet(file.get("token"))) {
            token = new Token(file.get("token"), config.file().toString());
        }
        String given = url(urlFlag, file).value();
        Path caCert = caCertFlag != null ? caCertFlag : isSet(env.get("ES_CACERT")) ? Path.of(env.get("ES_CACERT")) : null;
        try {
            return new Endpoint(Endpoint.url(given), token == null ? null : token.value(), token == null ? null : token.source(),
                    caCert);
        } catch (IllegalArgumentException e) {
            throw new EsException(EsException.USAGE, "bad URL '" + given + "': " + e.getMessage());
        }
    }

    /** Where the URL comes from ({@code --url}, {@code ES_URL}, the config file or the default), for es config show. */
    public String urlSource(String urlFlag) {
        return url(urlFlag, readConfig()).source();
    }

    private record Chosen(String value, String source) {}

    /** The URL and where it came from: the first of the flag, the environment, the file and the default that is set. */
    private Chosen url(String urlFlag, Map<String, String> file) {
        if (isSet(urlFlag)) {
            return new Chosen(urlFlag, "--url");
        }
        if (isSet(env.get("ES_URL"))) {
            return new Chosen(env.get("ES_URL"), "ES_URL");
        }
        if (isSet(file.get("url"))) {
            return new Chosen(file.get("url"), config.file().toString());
        }
        return new Chosen(DEFAULT_URL, "the default");
    }

    private Map<String, String> readConfig() {
        try {
            return config.read();
        } catch (IOException e) {
            throw new EsException(EsException.FAILURE, "cannot read " + config.file() + ": " + e.getMessage());
        }
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }
}
