package dev.es.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.es.common.EsException;
import dev.es.common.Event;
import dev.es.common.Json;
import dev.es.common.Protocol;
import dev.es.common.PublishBody;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * A client of an es hub's REST API: publish, close, channel information, and the event stream. Failures are
 * {@link EsException}s with the exit code a command should end with: 4 when the token is refused, 5 when
 * the hub cannot be reached, 1 for any other refusal (with the hub's own message).
 */
public final class EsClient implements AutoCloseable {

    /** Long enough for a loaded hub, short enough that a wrong address fails while the user still waits. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** For requests with a short answer; the stream has none (it is watched for idleness instead). */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final Endpoint endpoint;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final HttpClient http;

    public EsClient(Endpoint endpoint) {
        this(endpoint, CONNECT_TIMEOUT, REQUEST_TIMEOUT);
    }

    /** A client whose requests give up sooner, for callers that must answer quickly (shell completion). */
    public EsClient(Endpoint endpoint, Duration connectTimeout, Duration requestTimeout) {
        this.endpoint = endpoint;
        this.connectTimeout = connectTimeout;
        this.requestTimeout = requestTimeout;
        // HTTP/1.1 only: the default would try an h2c upgrade on every plain-http request.
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .build();
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    /**
     * Publishes an event.
     *
     * @return the id the event was stored with, or null when the hub did not say
     */
    public String publish(String channel, Event event) {
        HttpResponse<String> answer = send(request(channel)
                .header("Content-Type", Protocol.JSON)
                .POST(HttpRequest.BodyPublishers.ofString(PublishBody.write(event))));
        JsonNode id = parse(answer.body()).get("id");
        return id == null ? null : id.asText();
    }

    /** Closes a channel ({@code all}: every channel), disconnecting its subscribers. */
    public void close(String channel) {
        send(request(channel).DELETE());
    }

    /** What the hub tells of one channel. */
    public ChannelInfo channel(String channel) {
        HttpResponse<String> answer = head(channel);
        return new ChannelInfo(
                channel,
                Boolean.parseBoolean(answer.headers().firstValue(Protocol.CHANNEL_EXISTS).orElse("false")),
                consumers(answer));
    }

    /** Every channel, and the subscribers of them all. */
    public HubInfo hub() {
        HttpResponse<String> answer = head("all");
        String list = answer.headers().firstValue(Protocol.AVAILABLE_CHANNELS).orElse("[]");
        String inside = list.substring(list.startsWith("[") ? 1 : 0, list.endsWith("]") ? list.length() - 1 : list.length());
        List<String> channels = inside.isBlank() ? List.of() : Arrays.asList(inside.split(","));
        return new HubInfo(channels, consumers(answer));
    }

    /**
     * Opens a channel's event stream.
     *
     * @param lastEventId sent as Last-Event-ID when not null: the hub replays what came after it
     * @return the body as it arrives
     */
    InputStream openStream(String channel, String lastEventId) {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint.resolve("/" + channel))
                .header("Accept", Protocol.EVENT_STREAM)
                .GET();
        if (lastEventId != null && !lastEventId.isEmpty()) {
            request.header(Protocol.LAST_EVENT_ID, lastEventId);
        }
        HttpResponse<InputStream> answer = exchange(request, HttpResponse.BodyHandlers.ofInputStream());
        if (answer.statusCode() != 200) {
            try (InputStream body = answer.body()) {
                fail(answer.statusCode(), new String(body.readNBytes(64 * 1024), StandardCharsets.UTF_8));
            } catch (IOException e) {
                fail(answer.statusCode(), "");
            }
        }
        return answer.body();
    }

    private HttpResponse<String> head(String channel) {
        return send(request(channel).method("HEAD", HttpRequest.BodyPublishers.noBody()));
    }

    private HttpRequest.Builder request(String channel) {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint.resolve("/" + channel)).timeout(requestTimeout);
        if (endpoint.token() != null) {
            request.header(Protocol.AUTH_TOKEN, endpoint.token());
        }
        return request;
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        HttpResponse<String> answer = exchange(request, HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() / 100 != 2) {
            fail(answer.statusCode(), answer.body());
        }
        return answer;
    }

    private <T> HttpResponse<T> exchange(HttpRequest.Builder request, HttpResponse.BodyHandler<T> body) {
        try {
            return http.send(request.build(), body);
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new EsException(EsException.UNREACHABLE, "cannot reach " + endpoint.url()
                    + (e instanceof ConnectException ? " (connection refused)" : " (no answer within "
                            + connectTimeout.toMillis() + " ms)") + "; is 'es serve' running there?", e);
        } catch (HttpTimeoutException e) {
            throw new EsException(EsException.UNREACHABLE, "no answer from " + endpoint.url() + " within "
                    + requestTimeout.toMillis() + " ms", e);
        } catch (IOException e) {
            throw new EsException(EsException.UNREACHABLE, "lost the connection to " + endpoint.url() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EsException(EsException.FAILURE, "interrupted", e);
        }
    }

    /** Turns a refusal into the one line the user reads. */
    private void fail(int status, String body) {
        if (status == 403) {
            throw new EsException(EsException.AUTH_REFUSED, endpoint.tokenSource() == null
                    ? "the hub requires a token: pass --token, set ES_TOKEN, or run 'es config set token TOKEN'"
                    : "token from " + endpoint.tokenSource() + " was refused");
        }
        JsonNode error = parse(body).get("error");
        throw new EsException(EsException.FAILURE, "the hub answered " + status
                + (error != null ? ": " + error.asText() : body.isBlank() ? "" : ": " + body.strip()));
    }

    private static JsonNode parse(String body) {
        try {
            JsonNode node = body == null || body.isBlank() ? null : Json.MAPPER.readTree(body);
            return node == null ? Json.MAPPER.createObjectNode() : node;
        } catch (IOException notJson) {
            return Json.MAPPER.createObjectNode();
        }
    }

    private static int consumers(HttpResponse<?> answer) {
        return Integer.parseInt(answer.headers().firstValue(Protocol.CONSUMER_COUNT).orElse("0"));
    }

    @Override
    public void close() {
        http.close();
    }
}
