package dev.es.client;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a client command talks to, and with which token.
 *
 * @param url the hub's base URL
 * @param token the token to send as Auth-Token, or null
 * @param tokenSource where the token came from, for messages ("--token", "ES_TOKEN", a file), or null
 * @param caCert a PEM file of the certificate authorities to trust for https, or null for the Java runtime's
 */
public record Endpoint(URI url, String token, String tokenSource, Path caCert) {

    public Endpoint {
        Objects.requireNonNull(url, "url");
        String scheme = url.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new IllegalArgumentException("the URL must start with http:// or https://: " + url);
        }
        if (url.getHost() == null) {
            throw new IllegalArgumentException("no host in it: use e.g. http://127.0.0.1:8080");
        }
    }

    /**
     * A hub's URL as a user gives it: {@code http://HOST:PORT}, {@code https://…}, or {@code HOST:PORT}, which is http.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    public static URI url(String given) {
        String typed = given.strip();
        return URI.create(typed.contains("://") ? typed : "http://" + typed);
    }

    /** The URL of a path on the hub. */
    public URI resolve(String path) {
        String base = url.toString();
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path);
    }
}
