package dev.es.client;

import dev.es.common.ChannelName;
import dev.es.common.ChannelStatus;
import dev.es.common.EsException;
import dev.es.common.Event;
import dev.es.common.Json;
import dev.es.common.JsonStreaming;
import dev.es.common.PemFiles;
import dev.es.common.Protocol;
import dev.es.common.PublishBatch;
import dev.es.common.PublishBody;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;

/**
 * A client of an es hub's REST API: publish, close, channel information, and the event stream. Failures are
 * {@link EsException}s with the exit code a command should end with: 4 when the token is refused, 5 when
 * the hub cannot be reached, 1 for any other refusal (with the hub's own message).
 *
 * <p>Built on {@link HttpURLConnection}: a command that makes one request starts in half the time it takes
 * with {@code java.net.http}, which sets up TLS and a selector thread even for plain HTTP.
 */
public final class EsClient {

    /** Long enough for a loaded hub, short enough that a wrong address fails while the user still waits. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** For requests with a short answer. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** The most of an answer worth reading: the API's answers are one line of JSON. */
    private static final int MAX_BODY = 1024 * 1024;

    private final Endpoint endpoint;
    private final int connectTimeoutMillis;
    private final int requestTimeoutMillis;
    private SSLSocketFactory trusted;

    public EsClient(Endpoint endpoint) {
        this(endpoint, CONNECT_TIMEOUT, REQUEST_TIMEOUT);
    }

    /** A client whose requests give up sooner, for callers that must answer quickly (shell completion). */
    public EsClient(Endpoint endpoint, Duration connectTimeout, Duration requestTimeout) {
        this.endpoint = endpoint;
        this.connectTimeoutMillis = Math.toIntExact(connectTimeout.toMillis());
        this.requestTimeoutMillis = Math.toIntExact(requestTimeout.toMillis());
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
        byte[] body = PublishBody.write(event).getBytes(StandardCharsets.UTF_8);
        return JsonStreaming.topLevelString(send("POST", channelPath(channel), body, Protocol.JSON).ok().body(), "id");
    }

    /**
     * Publishes many events in one request ({@link Protocol#PUBLISH_PATH}).
     *
     * @return what each line came to, in order: its ids, or the status and error it would have had alone
     * @throws EsException a usage error for a name that is not a channel's, before anything is sent
     */
    public List<PublishBatch.Result> publish(List<PublishBatch.Line> lines) {
        StringBuilder body = new StringBuilder();
        for (PublishBatch.Line line : lines) {
            line.channels().forEach(EsClient::channelPath);
            body.append(PublishBatch.writeLine(line)).append('\n');
        }
        List<String> answer = send("POST", Protocol.PUBLISH_PATH, body.toString().getBytes(StandardCharsets.UTF_8),
                Protocol.NDJSON).ok().body().lines().toList();
        if (answer.size() != lines.size()) {
            throw new EsException(EsException.FAILURE, "the hub answered " + answer.size() + " lines to " + lines.size());
        }
        List<PublishBatch.Result> results = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            results.add(PublishBatch.readResult(answer.get(i), lines.get(i).channels()));
        }
        return results;
    }

    /**
     * The path of a stream of these channels: {@code /CHANNEL} for one, the hub's merged stream for several or
     * for prefixes ({@code news-*}).
     */
    public static String streamPath(List<String> channels) {
        for (String channel : channels) {
            if (channel.equals(ChannelName.ALL)) {
                throw new EsException(EsException.USAGE, ChannelName.ALL_IS_RESERVED);
            }
            if (ChannelName.isPattern(channel) ? !ChannelName.isValidPattern(channel) : !ChannelName.isValid(channel)) {
                throw notAChannel(channel);
            }
        }
        if (followsOne(channels)) {
            return "/" + channels.getFirst();
        }
        return Protocol.STREAM_PATH + "?" + String.join("&", channels.stream()
                .map(channel -> "channel=" + URLEncoder.encode(channel, StandardCharsets.UTF_8)).toList());
    }

    /** A channel's path: refused here, before any request, when the name is not a channel's. */
    private static String channelPath(String channel) {
        if (!ChannelName.isValid(channel)) {
            throw notAChannel(channel);
        }
        return "/" + channel;
    }

    private static EsException notAChannel(String name) {
        return new EsException(EsException.USAGE, "'" + name + "' is not a channel: " + ChannelName.RULE);
    }

    /** Whether a list of channels to follow is one channel (not several, nor a prefix): its own stream. */
    public static boolean followsOne(List<String> channels) {
        return channels.size() == 1 && !ChannelName.isPattern(channels.getFirst());
    }

    /** Closes a channel ({@code all}: every channel), disconnecting its subscribers. */
    public void close(String channel) {
        send("DELETE", channelPath(channel), null, null).ok();
    }

    /** What the hub tells of one channel. */
    public ChannelInfo channel(String channel) {
        Answer answer = send("HEAD", channelPath(channel), null, null).ok();
        return new ChannelInfo(channel, Boolean.parseBoolean(answer.header(Protocol.CHANNEL_EXISTS)), answer.consumers());
    }

    /** The names of every channel, from HEAD /all as the seed answers it. */
    public List<String> channelNames() {
        Answer answer = send("HEAD", "/" + ChannelName.ALL, null, null).ok();
        String list = answer.header(Protocol.AVAILABLE_CHANNELS);
        list = list == null ? "[]" : list;
        String inside = list.substring(list.startsWith("[") ? 1 : 0, list.endsWith("]") ? list.length() - 1 : list.length());
        return inside.isBlank() ? List.of() : Arrays.asList(inside.split(","));
    }

    /**
     * A channel's retained events after an id (all for null), oldest first, at most {@code limit} (1 to 1000).
     */
    public ChannelHistory history(String channel, String afterId, int limit) {
        String query = "?limit=" + limit + (afterId == null ? ""
                : "&after=" + URLEncoder.encode(afterId, StandardCharsets.UTF_8));
        Answer answer = send("GET", Protocol.CHANNELS_PATH + channelPath(channel) + "/events" + query, null, null).ok();
        try {
            return new ChannelHistory(Arrays.asList(Json.MAPPER.readValue(answer.body(), Event[].class)),
                    !"gap".equals(answer.header(Protocol.REPLAY_HEADER)));
        } catch (IOException e) {
            throw new EsException(EsException.FAILURE, "the hub's history of " + channel + " is not what es expects: "
                    + e.getMessage());
        }
    }

    /**
     * Every channel with its counts: from the hub's JSON listing, or, from a hub without one (the seed), from
     * HEAD requests with the event counts unknown.
     */
    public List<ChannelStatus> channels() {
        Answer listing = send("GET", Protocol.CHANNELS_PATH, null, null);
        if (listing.status() == 404) {
            return channelNames().stream()
                    .map(name -> new ChannelStatus(name, channel(name).consumers(), -1, null))
                    .toList();
        }
        try {
            return ChannelStatus.readListing(listing.ok().body());
        } catch (IllegalArgumentException e) {
            throw new EsException(EsException.FAILURE, "the hub's channel listing is not what es expects: " + e.getMessage());
        }
    }

    /**
     * Opens an event stream: one channel's ({@code /CHANNEL}) or several channels' ({@link #streamPath}). A read
     * that waits longer than {@code idleLimit} fails, which is how a silent (dead) connection is noticed.
     * Another thread ends a blocked read by interrupting the reading virtual thread ({@link EventStream#stop()});
     * closing the connection does not.
     *
     * @param lastEventId sent as Last-Event-ID when not null: the hub replays what came after it
     */
    HttpURLConnection openStream(String path, String lastEventId, Duration idleLimit) {
        HttpURLConnection request = open("GET", path, Math.toIntExact(idleLimit.toMillis()));
        request.setRequestProperty("Accept", Protocol.EVENT_STREAM);
        if (lastEventId != null && !lastEventId.isEmpty()) {
            request.setRequestProperty(Protocol.LAST_EVENT_ID, lastEventId);
        }
        try {
            connect(request);
            int status = request.getResponseCode();
            if (status != 200) {
                fail(status, errorBody(request));
            }
            return request;
        } catch (IOException e) {
            request.disconnect();
            throw lost(e);
        }
    }

    /** What came back from one request, whatever its status. */
    private final class Answer {
        private final int status;
        private final String body;
        private final HttpURLConnection request;

        Answer(int status, String body, HttpURLConnection request) {
            this.status = status;
            this.body = body;
            this.request = request;
        }

        int status() {
            return status;
        }

        String body() {
            return body;
        }

        String header(String name) {
            return request.getHeaderField(name);
        }

        int consumers() {
            String count = header(Protocol.CONSUMER_COUNT);
            return count == null ? 0 : Integer.parseInt(count);
        }

        /** This answer when it is a success; else the failure the user reads. */
        Answer ok() {
            if (status / 100 != 2) {
                fail(status, body);
            }
            return this;
        }
    }

    /** One request with a short answer, read whole; the connection is released before returning. */
    private Answer send(String method, String path, byte[] body, String contentType) {
        HttpURLConnection request = open(method, path, requestTimeoutMillis);
        try {
            if (body != null) {
                request.setRequestProperty("Content-Type", contentType);
                request.setDoOutput(true);
                request.setFixedLengthStreamingMode(body.length);
            }
            connect(request);
            if (body != null) {
                try (OutputStream out = request.getOutputStream()) {
                    out.write(body);
                }
            }
            int status = request.getResponseCode();
            if (status / 100 != 2) {
                return new Answer(status, errorBody(request), request);
            }
            try (InputStream in = request.getInputStream()) {
                return new Answer(status, new String(in.readNBytes(MAX_BODY), StandardCharsets.UTF_8), request);
            }
        } catch (IOException e) {
            throw lost(e);
        } finally {
            request.disconnect();
        }
    }

    private HttpURLConnection open(String method, String path, int readTimeoutMillis) {
        try {
            HttpURLConnection request = (HttpURLConnection) endpoint.resolve(path).toURL().openConnection();
            if (request instanceof HttpsURLConnection https && endpoint.caCert() != null) {
                https.setSSLSocketFactory(trustedAuthorities());
            }
            request.setRequestMethod(method);
            request.setConnectTimeout(connectTimeoutMillis);
            request.setReadTimeout(readTimeoutMillis);
            request.setUseCaches(false);
            if (endpoint.token() != null) {
                request.setRequestProperty(Protocol.AUTH_TOKEN, endpoint.token());
            }
            return request;
        } catch (IOException e) {
            throw lost(e);
        }
    }

    /** The authorities of {@code --cacert}, read once per client. */
    private SSLSocketFactory trustedAuthorities() {
        if (trusted == null) {
            try {
                trusted = PemFiles.trusting(endpoint.caCert()).getSocketFactory();
            } catch (IllegalArgumentException e) {
                throw new EsException(EsException.USAGE, e.getMessage());
            }
        }
        return trusted;
    }

    /** Connects, turning "nobody there" and "not who it should be" into the one line a user reads. */
    private void connect(HttpURLConnection request) {
        try {
            request.connect();
        } catch (SSLException e) {
            throw new EsException(EsException.UNREACHABLE, "TLS with " + endpoint.url() + " failed: " + e.getMessage()
                    + (endpoint.caCert() == null ? "; for a private certificate authority, pass --cacert FILE" : ""), e);
        } catch (ConnectException e) {
            throw new EsException(EsException.UNREACHABLE,
                    "cannot reach " + endpoint.url() + " (connection refused); is 'es serve' running there?", e);
        } catch (UnknownHostException e) {
            throw new EsException(EsException.UNREACHABLE, "unknown host '" + endpoint.url().getHost() + "'", e);
        } catch (SocketTimeoutException e) {
            throw new EsException(EsException.UNREACHABLE,
                    "cannot reach " + endpoint.url() + " (no answer within " + connectTimeoutMillis + " ms)", e);
        } catch (IOException e) {
            throw lost(e);
        }
    }

    private static String errorBody(HttpURLConnection request) throws IOException {
        try (InputStream in = request.getErrorStream()) {
            return in == null ? "" : new String(in.readNBytes(MAX_BODY), StandardCharsets.UTF_8);
        }
    }

    private EsException lost(IOException e) {
        return e instanceof SocketTimeoutException
                ? new EsException(EsException.UNREACHABLE, "no answer from " + endpoint.url() + " within "
                        + requestTimeoutMillis + " ms", e)
                : new EsException(EsException.UNREACHABLE, "lost the connection to " + endpoint.url() + ": " + e, e);
    }

    /** Turns a refusal into the one line the user reads. */
    private void fail(int status, String body) {
        String error = JsonStreaming.topLevelString(body, "error");
        throw refusal(status, error != null ? error : body.strip());
    }

    /** What the user reads of a refusal (403: the token, with its exit code), from its status and error. */
    public EsException refusal(int status, String error) {
        if (status == 403) {
            return new EsException(EsException.AUTH_REFUSED, endpoint.tokenSource() == null
                    ? "the hub requires a token: pass --token, set ES_TOKEN, or run 'es config set token TOKEN'"
                    : "token from " + endpoint.tokenSource() + " was refused");
        }
        return new EsException(EsException.FAILURE, "the hub answered " + status + (error.isBlank() ? "" : ": " + error));
    }

}
