package dev.es.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.es.server.testing.RunningHub;
import dev.es.server.testing.SseRecorder;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Requests whose headers or body stop coming are cut by the idle timeout; those that trickle in, a byte
 * inside every idle timeout, by the request deadline; the server goes on.
 */
class SlowlorisTest {

    @RegisterExtension
    final RunningHub hub = RunningHub.with(s -> s.timeout(Duration.ofMillis(300)).requestDeadline(Duration.ofSeconds(1)));

    @Test
    void headersThatStopComingAreCut() throws Exception {
        assertCut("GET /feed HTTP/1.1\r\nHost: x\r\nAccept: text/event-");
    }

    @Test
    void aBodyThatStopsComingIsCut() throws Exception {
        assertCut("POST /feed HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"data\"");
    }

    @Test
    void headersThatTrickleInAreCutAtTheDeadline() throws Exception {
        assertTrickleCut("GET /feed HTTP/1.1\r\nHost: x\r\nX-Padding: " + "a".repeat(200));
    }

    @Test
    void aBodyThatTricklesInIsCutAtTheDeadline() throws Exception {
        assertTrickleCut("POST /feed HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 300\r\n\r\n"
                + "{\"data\":\"" + "a".repeat(200));
    }

    @Test
    void anOpenStreamOutlivesTheDeadline() throws Exception {
        try (SseRecorder stream = SseRecorder.open(hub.url().resolve("/feed"))) {
            hub.api().awaitConsumers("feed", 1);
            Thread.sleep(2_000);
            hub.api().publish("feed", "{\"data\":\"after two deadlines\"}");
            stream.assertData("after two deadlines");
        }
    }

    /**
     * Sends a request a byte every 100 ms, well inside the 300 ms idle timeout, on a connection of its own: the
     * server must close it after the 1 s deadline, long before the request would be whole (at most 300 bytes).
     */
    private void assertTrickleCut(String request) throws Exception {
        try (Socket socket = new Socket(hub.url().getHost(), hub.url().getPort())) {
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
        assertEquals(200, hub.api().head("feed").statusCode(), "the server goes on");
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
