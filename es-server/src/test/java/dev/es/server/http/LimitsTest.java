package dev.es.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.es.common.Event;
import dev.es.common.PemFiles;
import dev.es.server.testing.Eventually;
import dev.es.server.testing.RunningHub;
import dev.es.server.testing.SseRecorder;
import dev.es.server.testing.TestCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Past each limit a clear refusal with Retry-After, and everything else goes on. */
class LimitsTest {

    @RegisterExtension
    final RunningHub hub = RunningHub.with(s -> s.maxChannels(2).maxSubscribersPerChannel(1).historyBytes(300));

    @Test
    void aChannelPastTheServersLimitIs503AndTheOthersGoOn() throws Exception {
        assertEquals(201, hub.api().publish("one", "{\"data\":\"x\"}").statusCode());
        assertEquals(201, hub.api().publish("two", "{\"data\":\"x\"}").statusCode());
        HttpResponse<String> third = hub.api().publish("three", "{\"data\":\"x\"}");
        assertEquals(503, third.statusCode());
        assertEquals("1", third.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(third.body().startsWith("{\"error\":\"this server holds its limit of 2 channels (--max-channels)"),
                third.body());
        assertEquals(201, hub.api().publish("one", "{\"data\":\"still\"}").statusCode(), "existing channels go on");
    }

    /** With no history a publish to a channel nobody follows holds nothing: only channels held count. */
    @Test
    void withNoHistoryPublishesToAnyChannelGoOnAndOnlyChannelsFollowedCount() throws Exception {
        hub.restart(s -> s.maxChannels(1).history(0));
        for (String channel : List.of("one", "two", "three")) {
            assertEquals(201, hub.api().publish(channel, "{\"data\":\"x\"}").statusCode(), channel);
        }
        try (SseRecorder followed = SseRecorder.open(hub.api().url("/one"));
                SseRecorder pastTheLimit = SseRecorder.open(hub.api().url("/two"))) {
            assertEquals(200, followed.status());
            assertEquals(503, pastTheLimit.status());
            assertEquals(201, hub.api().publish("three", "{\"data\":\"x\"}").statusCode());
        }
    }

    @Test
    void aSubscriberPastTheChannelsLimitIs429AndTheFirstKeepsReceiving() throws Exception {
        try (SseRecorder first = SseRecorder.open(hub.api().url("/feed"));
                SseRecorder second = SseRecorder.open(hub.api().url("/feed"))) {
            assertEquals(200, first.status());
            assertEquals(429, second.status());
            assertEquals("1", second.headers().firstValue("Retry-After").orElseThrow());
            hub.server().publish("feed", Event.of("for the first"));
            first.assertData("for the first");
        }
    }

    @Test
    void historyKeepsNoMoreBytesThanItsLimitButAlwaysTheNewest() throws Exception {
        for (int i = 0; i < 5; i++) {
            hub.server().publish("kept", new Event(Integer.toString(i), null, "x".repeat(100) + i, null));
        }
        try (SseRecorder replay = SseRecorder.open(hub.api().url("/kept"), "Last-Event-ID", "0")) {
            // Frames of ~115 bytes, 300 kept: the last two; the id 0 is older than what is kept, a gap.
            assertEquals("es-gap", replay.nextEvent().type());
            replay.assertData("x".repeat(100) + "3", "x".repeat(100) + "4");
        }
        hub.server().publish("big", Event.of("y".repeat(1000)));
        try (SseRecorder replay = SseRecorder.open(hub.api().url("/big"), "Last-Event-ID", "0")) {
            assertEquals("es-gap", replay.nextEvent().type(), "the hub never gave the id 0");
            replay.assertData("y".repeat(1000));
        }
    }

    @Test
    void connectionsPastAClientsLimitAre429() throws Exception {
        hub.restart(s -> s.maxConnectionsPerClient(2));
        try (Socket a = new Socket(hub.url().getHost(), hub.url().getPort());
                Socket b = new Socket(hub.url().getHost(), hub.url().getPort());
                Socket c = new Socket(hub.url().getHost(), hub.url().getPort())) {
            String refused = assertTwoServedOneRefused(a, b, c);
            assertTrue(refused.contains("Retry-After: 1"), refused);
        }
        // The server counts them closed as it sees them go, a moment later.
        int status = Eventually.poll(() -> hub.api().head("all").statusCode(), code -> code == 200, Duration.ofSeconds(5));
        assertEquals(200, status, "served again once they closed");
    }

    /** Jetty opens two connections on a TLS socket (TLS, then HTTP): the limit counts sockets. */
    @Test
    void aTlsConnectionCountsOnceAgainstTheLimit(@TempDir Path folder) throws Exception {
        TestCertificates certificates = TestCertificates.makeIn(folder);
        hub.restart(s -> s.maxConnectionsPerClient(2).tls(certificates.certificate(), certificates.key()));
        SSLSocketFactory tls = PemFiles.trusting(certificates.ca()).getSocketFactory();
        try (Socket a = tls.createSocket(hub.url().getHost(), hub.url().getPort());
                Socket b = tls.createSocket(hub.url().getHost(), hub.url().getPort());
                Socket c = tls.createSocket(hub.url().getHost(), hub.url().getPort())) {
            assertTwoServedOneRefused(a, b, c);
        }
    }

    /**
     * An HTTP/2 connection is not ended by {@code Connection: close}: one refused must be closed all the same, or
     * its client, which sends every request on it, would be refused on it for as long as it lasts.
     */
    @Test
    void anHttp2ConnectionPastTheLimitIsClosedSoThatItsClientIsServedOnceThereIsRoom(@TempDir Path folder) throws Exception {
        TestCertificates certificates = TestCertificates.makeIn(folder);
        hub.restart(s -> s.maxConnectionsPerClient(1).tls(certificates.certificate(), certificates.key()));
        SSLContext trusting = PemFiles.trusting(certificates.ca());
        HttpRequest head = HttpRequest.newBuilder(hub.url().resolve("/all")).method("HEAD", HttpRequest.BodyPublishers.noBody()).build();
        try (HttpClient h2 = HttpClient.newBuilder().sslContext(trusting).version(HttpClient.Version.HTTP_2).build()) {
            try (Socket first = trusting.getSocketFactory().createSocket(hub.url().getHost(), hub.url().getPort())) {
                assertTrue(headOn(first).startsWith("HTTP/1.1 200"));
                HttpResponse<Void> refused = h2.send(head, HttpResponse.BodyHandlers.discarding());
                assertEquals(429, refused.statusCode());
                assertEquals(HttpClient.Version.HTTP_2, refused.version());
            }
            int status = Eventually.poll(() -> statusOf(h2, head), code -> code == 200, Duration.ofSeconds(5));
            assertEquals(200, status, "served once the first connection closed");
        }
    }

    /** The answer's status, or 0 for a request sent as its connection was closing (the client opens another). */
    private static int statusOf(HttpClient client, HttpRequest request) throws InterruptedException {
        try {
            return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException closing) {
            return 0;
        }
    }

    /**
     * Asks on each of three connections, two within the limit per client and one past it, and checks that two are
     * served and one refused; the server counts them as its selectors open them, not always in the order they were
     * made.
     *
     * @return the head of the refusal
     */
    private static String assertTwoServedOneRefused(Socket... connections) throws Exception {
        List<String> heads = new ArrayList<>();
        for (Socket connection : connections) {
            heads.add(headOn(connection));
        }
        List<String> statuses = heads.stream().map(head -> head.substring(0, 12)).sorted().toList();
        assertEquals(List.of("HTTP/1.1 200", "HTTP/1.1 200", "HTTP/1.1 429"), statuses, String.join("\n", heads));
        return heads.stream().filter(head -> head.startsWith("HTTP/1.1 429")).findFirst().orElseThrow();
    }

    /** Sends HEAD /all on a kept-alive connection and reads its answer's head. */
    private static String headOn(Socket socket) throws Exception {
        socket.setSoTimeout(5_000);
        socket.getOutputStream().write("HEAD /all HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        StringBuilder head = new StringBuilder();
        InputStream in = socket.getInputStream();
        while (head.indexOf("\r\n\r\n") < 0) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            head.append((char) c);
        }
        return head.toString();
    }
}
