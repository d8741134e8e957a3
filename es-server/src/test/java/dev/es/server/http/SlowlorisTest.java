package dev.es.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.es.common.PemFiles;
import dev.es.server.testing.RunningHub;
import dev.es.server.testing.SseRecorder;
import dev.es.server.testing.TestCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLSocketFactory;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests whose headers or body stop coming are cut by the idle timeout; those that trickle in, a byte
 * inside every idle timeout, by the request deadline; the server goes on.
 */
class SlowlorisTest {

    @RegisterExtension
    final RunningHub hub = RunningHub.with(s -> s.timeout(Duration.ofMillis(300)).requestDeadline(Duration.ofSeconds(1)));

    @Test
    void headersThatStopComingAreCut() throws Exception {
        assertCut("GET /feed HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-");
    }

    @Test
    void aBodyThatStopsComingIsCut() throws Exception {
        assertCut("POST /feed HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"data\"");
    }

    @Test
    void headersThatTrickleInAreCutAtTheDeadline() throws Exception {
        assertTrickleCut("GET /feed HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + "a".repeat(200));
    }

    @Test
    void aBodyThatTricklesInIsCutAtTheDeadline() throws Exception {
        assertTrickleCut("POST /feed HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 300\r\n\r\n"
                + "{\"data\":\"" + "a".repeat(200));
    }

    @Test
    void aBodyThatTricklesInOverHttp2IsRefusedAtTheDeadline() throws Exception {
        assertTrickleRefusedOverHttp2("/feed", "application/json");
    }

    @Test
    void aBatchThatTricklesInOverHttp2IsRefusedAtTheDeadline() throws Exception {
        assertTrickleRefusedOverHttp2("/_es/v1/publish", "application/x-ndjson");
    }

    private void assertTrickleRefusedOverHttp2(String path, String contentType) throws Exception {
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build()) {
            // The first request upgrades the connection to h2c; the POST then goes as an HTTP/2 stream, which
            // no connection deadline watches.
            client.send(HttpRequest.newBuilder(hub.url().resolve("/all")).method("HEAD", HttpRequest.BodyPublishers.noBody())
                    .build(), HttpResponse.BodyHandlers.discarding());
            long start = System.nanoTime();
            HttpRequest trickle = HttpRequest.newBuilder(hub.url().resolve(path))
                    .header("Content-Type", contentType)
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new TricklingBody(300)))
                    .build();
            String outcome;
            try {
                HttpResponse<String> answer = client.send(trickle, HttpResponse.BodyHandlers.ofString());
                assertEquals(HttpClient.Version.HTTP_2, answer.version());
                outcome = answer.statusCode() + " " + answer.body();
                assertEquals(408, answer.statusCode(), outcome);
            } catch (IOException reset) {
                // Refused before the body was whole, the stream is reset after the answer, which may overtake it.
                outcome = reset.toString();
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "refused after " + took + ": " + outcome);
        }
        HttpResponse<String> feed = hub.api().head("feed");
        assertEquals(200, feed.statusCode(), "the server goes on");
        // Whichever came first, the 408 or the reset: the event was refused, not stored (it would make the channel).
        assertEquals("false", feed.headers().firstValue("X-Channel-Exists").orElseThrow());
    }

    /** A JSON body of about the given length that gives a byte every 100 ms. */
    private static final class TricklingBody extends InputStream {
        private final byte[] body;
        private int next;

        TricklingBody(int length) {
            body = ("{\"data\":\"" + "a".repeat(length) + "\"}").getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public int read() throws IOException {
            if (next == body.length) {
                return -1;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            return body[next++];
        }

        @Override
        public int read(byte[] into, int offset, int length) throws IOException {
            int b = read();
            if (b == -1) {
                return -1;
            }
            into[offset] = (byte) b;
            return 1;
        }
    }

    @Test
    void anOpenStreamOutlivesTheDeadline() throws Exception {
        // HTTP/1.1, whose connection the deadline watches (java.net.http would otherwise upgrade to h2c).
        try (HttpClient http1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                SseRecorder stream = SseRecorder.open(http1, hub.url().resolve("/feed"))) {
            assertEquals(HttpClient.Version.HTTP_1_1, stream.version());
            hub.api().awaitConsumers("feed", 1);
            Thread.sleep(2_000);
            hub.api().publish("feed", "{\"data\":\"after two deadlines\"}");
            stream.assertData("after two deadlines");
        }
    }

    @Test
    void headersThatTrickleInOverTlsAreCutAtTheDeadline(@TempDir Path folder) throws Exception {
        TestCertificates certificates = TestCertificates.makeIn(folder);
        hub.restart(s -> s.timeout(Duration.ofMillis(300)).requestDeadline(Duration.ofSeconds(1))
                .tls(certificates.certificate(), certificates.key()));
        SSLSocketFactory tls = PemFiles.trusting(certificates.ca()).getSocketFactory();
        assertTrickleCut(() -> tls.createSocket(hub.url().getHost(), hub.url().getPort()),
                "GET /feed HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + "a".repeat(200));
    }

    private void assertTrickleCut(String request) throws Exception {
        assertTrickleCut(() -> new Socket(hub.url().getHost(), hub.url().getPort()), request);
        assertEquals(200, hub.api().head("feed").statusCode(), "the server goes on");
    }

    /**
     * Sends a request a byte every 100 ms, well inside the 300 ms idle timeout, on a connection of its own: the
     * server must close it after the 1 s deadline, long before the request would be whole (at most 300 bytes).
     */
    private void assertTrickleCut(Callable<Socket> connect, String request) throws Exception {
        try (Socket socket = connect.call()) {
            socket.setSoTimeout(100);
            long start = System.nanoTime();
            int sent = 0;
            boolean closed = false;
            for (byte b : request.getBytes(StandardCharsets.US_ASCII)) {
                try {
                    socket.getOutputStream().write(b);
                    socket.getOutputStream().flush();
                    sent++;
                    closed = socket.getInputStream().read() == -1;
                } catch (SocketTimeoutException stillOpen) {
                    continue;
                } catch (IOException reset) {
                    closed = true;
                }
                if (closed) {
                    break;
                }
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(closed, "still open after " + sent + " bytes in " + took);
            assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "cut after " + took);
        }
    }

    /** Sends the start of a request, then nothing: the server must end the connection within 5 s. */
    private void assertCut(String start) throws Exception {
        try (Socket socket = new Socket(hub.url().getHost(), hub.url().getPort())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(start.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            long sent = System.nanoTime();
            InputStream in = socket.getInputStream();
            // Whatever it answers (a 408 or 400, or nothing), it then closes: the read reaches the end.
            in.readAllBytes();
            Duration took = Duration.ofNanos(System.nanoTime() - sent);
            assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "cut after " + took);
        }
        assertEquals(200, hub.api().head("feed").statusCode(), "the server goes on");
    }
}
