package dev.es.server.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/** Plain HTTP calls on the API, over real sockets, answering with what came back. */
public final class ApiClient implements AutoCloseable {

    private final HttpClient http;
    private final URI base;
    private final String token;

    /** @param token sent as Auth-Token, or null to send none */
    public ApiClient(URI base, String token) {
        this(base, token, HttpClient.newBuilder());
    }

    /** A client of an https hub, trusting what the context trusts. */
    public ApiClient(URI base, String token, SSLContext tls) {
        this(base, token, HttpClient.newBuilder().sslContext(tls));
    }

    private ApiClient(URI base, String token, HttpClient.Builder http) {
        this.http = http.connectTimeout(Duration.ofSeconds(5)).build();
        this.base = base;
        this.token = token;
    }

    public URI url(String path) {
        return base.resolve(path);
    }

    public HttpResponse<String> publish(String channel, String json) throws IOException, InterruptedException {
        return send(request(channel)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public HttpResponse<String> head(String channel) throws IOException, InterruptedException {
        return send(request(channel).method("HEAD", HttpRequest.BodyPublishers.noBody()));
    }

    public HttpResponse<String> delete(String channel) throws IOException, InterruptedException {
        return send(request(channel).DELETE());
    }

    /** Any request, with the token added when there is one. */
    public HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        if (token != null) {
            request.setHeader("Auth-Token", token);
        }
        return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(url(path));
    }

    /** The consumer count HEAD reports. */
    public int consumers(String channel) throws IOException, InterruptedException {
        return Integer.parseInt(head(channel).headers().firstValue("X-Consumer-Count").orElseThrow());
    }

    /** Polls HEAD until the channel reports the count, for at most five seconds. */
    public void awaitConsumers(String channel, int expected) throws Exception {
        awaitConsumers(channel, expected, Duration.ofSeconds(5));
    }

    /** Polls HEAD until the channel reports the count, for at most the given time. */
    public void awaitConsumers(String channel, int expected, Duration within) throws Exception {
        int seen = Eventually.poll(() -> consumers(channel), count -> count == expected, within);
        if (seen != expected) {
            throw new AssertionError("channel " + channel + " has " + seen + " consumers, expected " + expected);
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
