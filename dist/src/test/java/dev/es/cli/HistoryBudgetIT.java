package dev.es.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every channel's history together stays within a budget derived from the heap: a publisher sending more than
 * the heap holds, a channel at a time, keeps getting 201 and the server keeps answering, its oldest history shed.
 */
class HistoryBudgetIT {

    private static final int EVENTS = 400;

    @Test
    void eventsOfAMebibyteToManyChannelsPastTheHeapNeverExhaustIt() throws Exception {
        // A 128 MiB heap: 400 MiB of history would not fit, a quarter of it is the default budget.
        try (ServeProcess serve = ServeProcess.start(Map.of("ES_JAVA_OPTS", "-Xmx128m"), "--port", "0", "--token", "T");
                HttpClient http = HttpClient.newHttpClient()) {
            String data = "x".repeat(1024 * 1024 - 64);
            for (int i = 0; i < EVENTS; i++) {
                HttpResponse<String> published = http.send(HttpRequest.newBuilder(serve.url().resolve("/up-" + i))
                        .header("Auth-Token", "T").header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"data\":\"" + data + "\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(201, published.statusCode(), "publish " + i + ": " + published.body());
            }
            assertEquals(200, get(http, serve.url().resolve("/_es/v1/health/ready")).statusCode());
            assertEquals("true", exists(http, serve.url().resolve("/up-" + (EVENTS - 1))), "the newest history is kept");
            assertEquals("false", exists(http, serve.url().resolve("/up-0")), "the oldest went first, its channel with it");
            // Stopped as a user would (SIGTERM), so that its log, on standard output, can be read whole.
            ProcessHandle.of(serve.pid()).orElseThrow().destroy();
            serve.awaitExit(10_000);
            String log = String.join("\n", serve.stdout());
            assertTrue(log.matches("(?s).*history is over its budget of [0-9]+ MiB \\(--history-budget\\): dropped its"
                    + " [0-9]+ oldest events.*"), log);
        }
    }

    private static HttpResponse<String> get(HttpClient http, URI url) throws Exception {
        return http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String exists(HttpClient http, URI channel) throws Exception {
        return http.send(HttpRequest.newBuilder(channel).header("Auth-Token", "T").HEAD().build(),
                HttpResponse.BodyHandlers.discarding()).headers().firstValue("X-Channel-Exists").orElseThrow();
    }
}
