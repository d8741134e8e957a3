package dev.es.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.es.common.PemFiles;
import dev.es.server.ServerSettings;
import dev.es.server.testing.Programs;
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
    final RunningHub hub = RunningHub.with(SlowlorisTest::deadlines);

    private static ServerSettings.Builder deadlines(ServerSettings.Builder settings) {
        return settings.timeout(Duration.ofMillis(300)).requestDeadline(Duration.ofSeconds(1));
    }

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

    /**
     * curl over h2c (prior knowledge) posts a body a byte every 100 ms for 6 s: the POST is a stream, which no
     * connection deadline watches. (The JDK's client has no prior knowledge, and over TLS it reports nothing of
     * an answer until it has sent the whole body.)
     */
    private void assertTrickleRefusedOverHttp2(String path, String contentType) throws Exception {
        String trickle = "(printf '{\"data\":\"'; for i in $(seq 60); do printf a; sleep 0.1; done; printf '\"}') | "
                + "curl -sS --http2-prior-knowledge -X POST -H 'Content-Type: " + contentType + "' -T - "
                + "-w '\\n%{http_code} %{http_version}' " + hub.url().resolve(path);
        long start = System.nanoTime();
        Programs.Finished curl = Programs.run(new ProcessBuilder("bash", "-c", trickle), Duration.ofSeconds(15));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        String outcome = curl.exitCode() + ": " + curl.output();
        // Refused before the body was whole, the stream is reset after the answer, which may overtake it (curl 92).
        assertTrue(curl.output().endsWith("\n408 2") || curl.exitCode() == 92, outcome);
        assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "refused after " + took + ": " + outcome);
        HttpResponse<String> feed = hub.api().head("feed");
        assertEquals(200, feed.statusCode(), "the server goes on");
        // Whichever came first, the 408 or the reset: the event was refused, not stored (it would make the channel).
        assertEquals("false", feed.headers().firstValue("X-Channel-Exists").orElseThrow());
    }

    @Test
    void anOpenStreamOutlivesTheDeadline() throws Exception {
        // HTTP/1.1, whose connection the deadline watches.
        try (SseRecorder stream = SseRecorder.open(hub.url().resolve("/feed"))) {
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
        hub.restart(s -> deadlines(s).tls(certificates.certificate(), certificates.key()));
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
