package dev.es.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.es.server.testing.ApiClient;
import dev.es.server.testing.Eventually;
import dev.es.server.testing.RunningHub;
import dev.es.server.testing.SseRecorder;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Prometheus metrics and the health checks under the reserved prefix, as a scraper and a probe see them. */
class MetricsAndHealthTest {

    @RegisterExtension
    final RunningHub hub = RunningHub.with(s -> s.token("t"));

    @Test
    void metricsCountSubscribersEventsDeliveriesAndWhyStreamsEnded() throws Exception {
        try (SseRecorder first = SseRecorder.open(hub.api().url("/feed"));
                SseRecorder second = SseRecorder.open(hub.api().url("/feed"))) {
            hub.api().awaitConsumers("feed", 2);
            for (int i = 0; i < 3; i++) {
                assertEquals(201, hub.api().publish("feed", "{\"data\":\"e" + i + "\"}").statusCode());
            }
            first.assertData("e0", "e1", "e2");
            String metrics = scrape();
            assertTrue(metrics.contains("\nes_subscribers 2.0\n"), metrics);
            assertTrue(metrics.contains("\nes_channels 1.0\n"), metrics);
            assertTrue(metrics.contains("\nes_events_published_total 3.0\n"), metrics);
            assertTrue(metrics.contains("\nes_events_delivered_total 6.0\n"), metrics);
            assertTrue(metrics.contains("\nes_history_events 3.0\n"), metrics);
            assertTrue(metrics.contains("\nes_publish_latency_seconds_count 3\n"), metrics);
            assertTrue(metrics.contains("\njvm_memory_used_bytes{"), "the JVM's own too");
            assertTrue(metrics.contains("\nprocess_files_open_files "), "file descriptors");

            first.close();
            awaitMetric("es_subscribers_disconnected_total{reason=\"closed\"} 1.0");
            assertEquals(200, hub.api().delete("feed").statusCode());
            second.awaitEnd();
            awaitMetric("es_subscribers_disconnected_total{reason=\"channel_closed\"} 1.0");
            awaitMetric("\nes_subscribers 0.0\n");
        }
    }

    @Test
    void healthChecksAndMetricsNeedNoTokenAndReadinessEndsWithTheHub() throws Exception {
        try (ApiClient anonymous = new ApiClient(hub.url(), null)) {
            assertEquals(403, anonymous.head("all").statusCode(), "the hub does want a token elsewhere");
            HttpResponse<String> live = anonymous.send(anonymous.request("/_es/v1/health/live"));
            assertEquals(200, live.statusCode());
            assertEquals("{\"status\":\"up\"}", live.body());
            assertEquals(200, anonymous.send(anonymous.request("/_es/v1/metrics")).statusCode());
            assertEquals(200, anonymous.send(anonymous.request("/_es/v1/health/ready")).statusCode());
            hub.server().hub().shutdown();
            HttpResponse<String> ready = anonymous.send(anonymous.request("/_es/v1/health/ready"));
            assertEquals(503, ready.statusCode());
            assertEquals("{\"status\":\"not ready\"}", ready.body());
            assertEquals(200, anonymous.send(anonymous.request("/_es/v1/health/live")).statusCode());
        }
    }

    private String scrape() throws Exception {
        HttpResponse<String> answer = hub.api().send(hub.api().request("/_es/v1/metrics"));
        assertEquals(200, answer.statusCode());
        assertTrue(answer.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain; version=0.0.4"));
        return answer.body();
    }

    private void awaitMetric(String line) throws Exception {
        String metrics = Eventually.poll(this::scrape, scraped -> scraped.contains(line), Duration.ofSeconds(5));
        assertTrue(metrics.contains(line), line + " in:\n" + metrics);
    }
}
