package dev.es.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.es.common.Json;
import dev.es.server.testing.ApiClient;
import dev.es.server.testing.RunningHub;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code GET /_es/v1/channels/{name}/events}: a channel's retained events, without subscribing. */
class HistoryReadTest {

    @RegisterExtension
    final RunningHub hub = RunningHub.with(settings -> settings.token("T").history(3));

    @Test
    void theRetainedEventsAfterAnIdOldestFirstAtMostTheLimit() throws Exception {
        try (ApiClient api = new ApiClient(hub.url(), "T")) {
            api.publish("feed", "{\"id\":\"a\",\"data\":\"one\"}");
            api.publish("feed", "{\"id\":\"b\",\"event\":\"note\",\"data\":\"two\\nlines\",\"retry\":1500}");
            api.publish("feed", "{\"id\":\"c\",\"data\":\"three\"}");
            HttpResponse<String> all = api.send(api.request("/_es/v1/channels/feed/events"));
            assertEquals(200, all.statusCode());
            assertEquals(List.of(
                    event("a", null, "one", null),
                    event("b", "note", "two\nlines", 1500),
                    event("c", null, "three", null)), Json.MAPPER.readValue(all.body(), List.class));
            assertTrue(all.headers().firstValue("Es-Replay").isEmpty(), "no id given, nothing to say");

            HttpResponse<String> after = api.send(api.request("/_es/v1/channels/feed/events?after=a&limit=1"));
            assertEquals("exact", after.headers().firstValue("Es-Replay").orElseThrow());
            assertEquals(List.of(event("b", "note", "two\nlines", 1500)), Json.MAPPER.readValue(after.body(), List.class));

            api.publish("feed", "{\"id\":\"d\",\"data\":\"four\"}");
            HttpResponse<String> exact = api.send(api.request("/_es/v1/channels/feed/events?after=a"));
            assertEquals("exact", exact.headers().firstValue("Es-Replay").orElseThrow(), "a went last: b, c, d is exact");
            api.publish("feed", "{\"id\":\"e\",\"data\":\"five\"}");
            HttpResponse<String> cut = api.send(api.request("/_es/v1/channels/feed/events?after=a"));
            assertEquals("gap", cut.headers().firstValue("Es-Replay").orElseThrow(), "b went after a");

            assertEquals("[]", api.send(api.request("/_es/v1/channels/none/events")).body());
            for (String limit : new String[] {"0", "1001", "many"}) {
                HttpResponse<String> refused = api.send(api.request("/_es/v1/channels/feed/events?limit=" + limit));
                assertEquals(400, refused.statusCode(), limit);
                assertTrue(refused.body().contains("limit is a number from 1 to 1000"), refused.body());
            }
        }
        try (ApiClient anonymous = new ApiClient(hub.url(), null)) {
            assertEquals(403, anonymous.send(anonymous.request("/_es/v1/channels/feed/events")).statusCode());
        }
    }

    private static Map<String, Object> event(String id, String type, String data, Integer retry) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("id", id);
        event.put("event", type);
        event.put("data", data);
        event.put("retry", retry == null ? null : BigInteger.valueOf(retry));
        return event;
    }
}
