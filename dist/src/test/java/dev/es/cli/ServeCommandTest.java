package dev.es.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.es.server.testing.ApiClient;
import dev.es.server.testing.SseRecorder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** es serve as users run it: a real process, real signals, real curl. */
class ServeCommandTest {

    @Test
    void theSeedsAcceptanceScriptPassesAgainstAFreshServer() throws Exception {
        try (ServeProcess serve = ServeProcess.start(Map.of(), "--port", "0", "--token", "T", "--cors-origin", "*")) {
            Path script = Files.createTempFile("seed_api", ".sh");
            try (InputStream in = getClass().getResourceAsStream("/seed_api.sh")) {
                Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
            }
            Process run = new ProcessBuilder("bash", script.toString(), serve.url().toString(), "T")
                    .redirectErrorStream(true)
                    .start();
            String report = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(run.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, run.exitValue(), report);
            assertTrue(report.contains("seed-api: 28 passed, 0 failed"), report);
            Files.delete(script);
        }
    }

    @Test
    void sigtermEndsStreamsAndExitsWithinTwoSeconds() throws Exception {
        assertSignalEndsCleanly("TERM", 143);
    }

    @Test
    void ctrlCEndsStreamsAndExitsWithinTwoSeconds() throws Exception {
        assertSignalEndsCleanly("INT", 130);
    }

    private static void assertSignalEndsCleanly(String signal, int exitCode) throws Exception {
        try (ServeProcess serve = ServeProcess.start(Map.of(), "--port", "0");
                ApiClient api = new ApiClient(serve.url(), null);
                SseRecorder sub = SseRecorder.open(api.url("/updates"))) {
            api.awaitConsumers("updates", 1);
            long start = System.nanoTime();
            new ProcessBuilder("kill", "-" + signal, Long.toString(serve.pid())).start().waitFor();
            assertEquals(exitCode, serve.awaitExit(2000));
            sub.awaitEnd();
            assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < 2000);
            assertEquals("", serve.stderr());
        }
    }

    @Test
    void aTakenPortIsOneLineAndExitCode1() throws Exception {
        try (ServeProcess first = ServeProcess.start(Map.of(), "--port", "0")) {
            ServeProcess.Finished second = ServeProcess.run("--port", Integer.toString(first.port()));
            assertEquals(1, second.exitCode());
            assertEquals("es: cannot listen on 127.0.0.1:" + first.port() + ": address already in use\n", second.stderr());
        }
    }

    @Test
    void listeningBeyondLoopbackWithoutATokenIsRefused() throws Exception {
        ServeProcess.Finished refused = ServeProcess.run("--host", "0.0.0.0", "--port", "0");
        assertEquals(2, refused.exitCode());
        assertTrue(refused.stderr().startsWith("es: refusing to listen on 0.0.0.0 with no token: anyone could publish;"),
                refused.stderr());
    }

    @Test
    void theTokenComesFromEsTokenOrATokenFile() throws Exception {
        try (ServeProcess serve = ServeProcess.start(Map.of("ES_TOKEN", "from-env"), "--port", "0");
                ApiClient right = new ApiClient(serve.url(), "from-env");
                ApiClient none = new ApiClient(serve.url(), null)) {
            assertEquals(403, none.head("all").statusCode());
            assertEquals(200, right.head("all").statusCode());
        }
        Path file = Files.writeString(Files.createTempFile("token", ".txt"), "from-file\n");
        try (ServeProcess serve = ServeProcess.start(Map.of(), "--port", "0", "--token-file", file.toString());
                ApiClient right = new ApiClient(serve.url(), "from-file")) {
            assertEquals(200, right.head("all").statusCode());
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void badOptionValuesAreUsageErrors() throws IOException, InterruptedException {
        ServeProcess.Finished bad = ServeProcess.run("--keepalive", "soon");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.stderr().startsWith("es: Invalid value for option '--keepalive': 'soon' is not a duration"),
                bad.stderr());
        assertTrue(bad.stderr().endsWith("Try 'es serve --help' for more information.\n"), bad.stderr());
    }
}
