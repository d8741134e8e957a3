package dev.es.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.es.server.testing.RunningHub;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Requests whose headers or body stop coming are cut by the idle timeout, and the server goes on. */
class SlowlorisTest {

    @RegisterExtension
    final RunningHub hub = RunningHub.with(s -> s.timeout(Duration.ofMillis(300)));

    @Test
    void headersThatStopComingAreCut() throws Exception {
        assertCut("GET /feed HTTP/1.1\r\nHost: x\r\nAccept: text/event-");
    }

    @Test
    void aBodyThatStopsComingIsCut() throws Exception {
        assertCut("POST /feed HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"data\"");
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
