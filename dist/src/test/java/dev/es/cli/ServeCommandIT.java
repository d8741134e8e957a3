package dev.es.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.es.server.testing.ApiClient;
import dev.es.server.testing.FreePort;
import dev.es.server.testing.Programs;
import dev.es.server.testing.SseRecorder;
import dev.es.server.testing.TestCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** es serve as users run it: a real process, real signals, real curl. */
class ServeCommandIT {

    /** Files a test gives es serve, gone after it. */
    @TempDir
    Path scratch;

    @Test
    void theSeedsAcceptanceScriptPassesAgainstAFreshServer() throws Exception {
        try (ServeProcess serve = ServeProcess.start(Map.of(), "--port", "0", "--token", "T", "--cors-origin", "*")) {
            // The shared acceptance script beside the repository when there is one; else the copy kept in the
            // tests (identical when it was taken), so the suite runs on a lone clone too.
            Path shared = Path.of("..", "..", "shared", "acceptance", "seed_api.sh");
            Path script = scratch.resolve("seed_api.sh");
            try (InputStream in = Files.exists(shared)
                    ? Files.newInputStream(shared)
                    : getClass().getResourceAsStream("/seed_api.sh")) {
                Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
            }
            Programs.Finished run = Programs.run(
                    new ProcessBuilder("bash", script.toString(), serve.url().toString(), "T"), Duration.ofSeconds(60));
            assertEquals(0, run.exitCode(), run.output());
            assertTrue(run.output().contains("seed-api: 28 passed, 0 failed"), run.output());
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
                SseRecorder sub = SseRecorder.open(api.url("/updates"));
                Socket stalled = new Socket()) {
            // Beside a healthy stream, one whose client stopped reading with its writer blocked in a write:
            // the stop must not wait for it.
            stalled.setReceiveBufferSize(4096);
            stalled.connect(new InetSocketAddress(serve.url().getHost(), serve.port()));
            stalled.getOutputStream().write("GET /updates HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            api.awaitConsumers("updates", 2);
            String big = "{\"data\":\"" + "x".repeat(32 * 1024) + "\"}";
            for (int i = 0; i < 200; i++) {
                api.publish("updates", big);
            }
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
        assertEquals(1, refused.exitCode());
        assertEquals("es: refusing to listen on 0.0.0.0 with no token: anyone could publish; set --token (or ES_TOKEN) "
                + "or pass --no-auth\n", refused.stderr());
    }

    @Test
    void theTokenComesFromEsTokenOrATokenFile() throws Exception {
        try (ServeProcess serve = ServeProcess.start(Map.of("ES_TOKEN", "from-env"), "--port", "0");
                ApiClient right = new ApiClient(serve.url(), "from-env");
                ApiClient none = new ApiClient(serve.url(), null)) {
            assertEquals(403, none.head("all").statusCode());
            assertEquals(200, right.head("all").statusCode());
        }
        Path file = Files.writeString(scratch.resolve("token.txt"), "from-file\n");
        try (ServeProcess serve = ServeProcess.start(Map.of(), "--port", "0", "--token-file", file.toString());
                ApiClient right = new ApiClient(serve.url(), "from-file")) {
            assertEquals(200, right.head("all").statusCode());
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void withACertificateItServesHttpsAndHttp2() throws Exception {
        TestCertificates certificates = TestCertificates.makeIn(scratch);
        try (ServeProcess serve = ServeProcess.start(Map.of(), "--port", "0",
                "--tls-cert", certificates.certificate().toString(), "--tls-key", certificates.key().toString())) {
            assertEquals("https", serve.url().getScheme());
            Programs.Finished curl = Programs.run(List.of("curl", "-sS", "-I", "--http2", "--cacert",
                    certificates.ca().toString(), serve.url().resolve("/all").toString()));
            assertTrue(curl.output().startsWith("HTTP/2 200"), curl.output());
        }
    }

    @Test
    void aCertificateThatDoesNotLoadIsOneLineAndAUsageError() throws Exception {
        Path notPem = Files.writeString(scratch.resolve("cert.pem"), "hello\n");
        ServeProcess.Finished refused = ServeProcess.run("--port", "0", "--tls-cert", notPem.toString(), "--tls-key", notPem.toString());
        assertEquals(2, refused.exitCode());
        assertTrue(refused.stderr().startsWith("es: no PEM certificate in " + notPem + ": "), refused.stderr());
        Files.delete(notPem);
    }

    @Test
    void settingsComeFromFlagsThenTheEnvironmentThenTheConfigFile() throws Exception {
        int fromFile = FreePort.pick();
        int fromEnvironment = FreePort.pick();
        Path config = Files.writeString(scratch.resolve("serve.yaml"),
                "# es serve settings\nport: " + fromFile + "\nhistory: 5\ncors-origin: '*'\ncors-methods: [GET, POST, DELETE]\n");
        try (ServeProcess serve = ServeProcess.start(Map.of("ES_PORT", Integer.toString(fromEnvironment)),
                        "--config", config.toString(), "--history", "7", "--cors-methods", "GET,POST");
                ApiClient api = new ApiClient(serve.url(), null)) {
            assertEquals(fromEnvironment, serve.port(), "the environment wins over the file");
            assertTrue(serve.firstLine().contains("history 7 events"), "the flag wins over the file: " + serve.firstLine());
            var preflight = api.send(api.request("/ch").method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody())
                    .header("Origin", "http://example.com").header("Access-Control-Request-Method", "POST"));
            assertEquals("*", preflight.headers().firstValue("Access-Control-Allow-Origin").orElseThrow(), "from the file");
            assertEquals("GET, POST", preflight.headers().firstValue("Access-Control-Allow-Methods").orElseThrow(),
                    "a list flag replaces the file's list");
        } finally {
            Files.delete(config);
        }
    }

    @Test
    void aBadSettingIsOneLineNamingTheFileTheLineAndTheSettingOrTheVariable() throws Exception {
        Path config = Files.writeString(scratch.resolve("serve.yaml"), "port: 0\nhistory: lots\n");
        ServeProcess.Finished badValue = ServeProcess.run("--config", config.toString());
        assertEquals(2, badValue.exitCode());
        assertTrue(badValue.stderr().startsWith("es: " + config + ":2: setting 'history': Invalid value for option "
                + "'--history': 'lots' is not an int\n"), badValue.stderr());
        Files.writeString(config, "port: 0\ncolour: blue\n");
        ServeProcess.Finished unknown = ServeProcess.run("--config", config.toString());
        assertTrue(unknown.stderr().startsWith("es: " + config + ":2: setting 'colour' is not one of es serve's"),
                unknown.stderr());
        Files.writeString(config, "port: 0\nhistory: 5\nhistory: 50\n");
        ServeProcess.Finished twice = ServeProcess.run("--config", config.toString());
        assertEquals(2, twice.exitCode());
        assertTrue(twice.stderr().startsWith("es: " + config + ":3: setting 'history' is given twice: keep one\n"),
                twice.stderr());
        ServeProcess.Finished variable = ServeProcess.run(Map.of("ES_KEEPALIVE", "often"), "--port", "0");
        assertEquals(2, variable.exitCode());
        assertTrue(variable.stderr().startsWith("es: ES_KEEPALIVE: Invalid value for option '--keepalive'"),
                variable.stderr());
        Files.delete(config);
    }

    @Test
    void theLinesSayWhereToGoWhenAndForHowLong() throws Exception {
        try (ServeProcess serve = ServeProcess.start(Map.of(), "--host", "0.0.0.0", "--no-auth", "--port", "0", "--access-log");
                ApiClient api = new ApiClient(serve.url(), null)) {
            assertEquals("http://127.0.0.1:" + serve.port(), serve.url().toString(), "a URL that can be opened");
            HttpResponse<String> root = api.send(api.request("/").GET());
            assertEquals(200, root.statusCode());
            assertTrue(root.body().contains("\"console\":\"/_es/v1/console\""), root.body());
            HttpResponse<String> browser = api.send(api.request("/").header("Accept", "text/html").GET());
            assertEquals(302, browser.statusCode());
            assertEquals("/_es/v1/console", browser.headers().firstValue("Location").orElseThrow());
            new ProcessBuilder("kill", "-TERM", Long.toString(serve.pid())).start().waitFor();
            serve.awaitExit(5_000);
            List<String> lines = serve.stdout();
            assertEquals("es serve: listening on " + serve.url() + ", and every other interface (--host 0.0.0.0), console "
                    + serve.url() + "/_es/v1/console, auth off, history 1000 events per channel", lines.getFirst());
            // A request's line is written once its response is sent, so the two may come in either order.
            for (int status : new int[] {200, 302}) {
                String line = "es serve: 20[0-9-]+T[0-9:.]+Z 127\\.0\\.0\\.1 GET / " + status + " [0-9]+ B [0-9]+ ms";
                assertTrue(lines.subList(1, 3).stream().anyMatch(l -> l.matches(line)), lines.toString());
            }
            assertTrue(lines.getLast().matches("es serve: stopped \\(it had been up [0-9]+ s\\)"), lines.getLast());
        }
    }

    @Test
    void jsonLogsTellTheStartEveryRequestWithoutItsQueryAndTheStop() throws Exception {
        try (ServeProcess serve = ServeProcess.start(Map.of(), "--port", "0", "--log-format", "json", "--access-log");
                ApiClient api = new ApiClient(serve.url(), null)) {
            assertEquals(201, api.publish("ch?token=secret", "{\"data\":\"x\"}").statusCode());
            new ProcessBuilder("kill", "-TERM", Long.toString(serve.pid())).start().waitFor();
            serve.awaitExit(5_000);
            List<String> lines = serve.stdout();
            List<String> events = new java.util.ArrayList<>();
            for (String line : lines) {
                var object = dev.es.common.Json.MAPPER.readTree(line);
                events.add(object.get("event").asText());
                assertTrue(object.hasNonNull("time") && object.hasNonNull("level") && object.hasNonNull("message"), line);
            }
            assertEquals(List.of("start", "access", "stop"), events, String.join("\n", lines));
            assertTrue(lines.get(1).contains("\"method\":\"POST\",\"path\":\"/ch\",\"status\":201"), lines.get(1));
            assertEquals(false, String.join("\n", lines).contains("secret"), "no query string, where tokens may be");
        }
    }

    @Test
    void channelTokensComeFromAKeyFileAndNeedTheHubsToken() throws Exception {
        Path key = Files.writeString(scratch.resolve("jwt.key"), "a secret of more than thirty-two bytes\n");
        ServeProcess.Finished refused = ServeProcess.run("--port", "0", "--jwt-key", key.toString());
        assertEquals(2, refused.exitCode());
        assertEquals("es: channel tokens (a JWT key) make channels private, which needs the hub's own token too "
                + "(--token or ES_TOKEN): without it anyone could publish and close\n"
                + "Try 'es serve --help' for more information.\n", refused.stderr());
        // {"sub":"reader","es":{"subscribe":["news-*"]}} signed with HS256 and the secret above, by Python's hmac.
        String reader = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJyZWFkZXIiLCJlcyI6eyJzdWJzY3JpYmUiOlsibmV3cy0qIl19fQ."
                + "ssPZWknyGMBTl9nX9toqzhMN9VXIhi-03nDkt1bFR2U";
        try (ServeProcess serve = ServeProcess.start(Map.of(), "--port", "0", "--token", "hub", "--jwt-key", key.toString());
                SseRecorder news = SseRecorder.open(serve.url().resolve("/news-1?token=" + reader));
                SseRecorder other = SseRecorder.open(serve.url().resolve("/other?token=" + reader))) {
            assertEquals(200, news.status());
            assertEquals(403, other.status());
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
