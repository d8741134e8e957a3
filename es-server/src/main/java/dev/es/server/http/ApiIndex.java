package dev.es.server.http;

import dev.es.common.Json;
import dev.es.common.Protocol;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /}: where to go from here. A browser is sent to the console; anything else gets a short JSON index of
 * the API, so that someone trying the root URL learns what the server is instead of reading a 404.
 */
final class ApiIndex {

    private static final String INDEX = Json.write(index());

    private ApiIndex() {}

    private static Map<String, Object> index() {
        Map<String, String> api = new LinkedHashMap<>();
        api.put("subscribe", "GET /{channel} (Last-Event-ID resumes)");
        api.put("publish", "POST /{channel} {\"data\",\"id\",\"event\",\"retry\"}");
        api.put("close", "DELETE /{channel}");
        api.put("info", "HEAD /{channel}, HEAD /all");
        api.put("several channels", "GET " + Protocol.STREAM_PATH + "?channel=a&channel=b");
        api.put("batch publish", "POST " + Protocol.PUBLISH_PATH + " (" + Protocol.NDJSON + ")");
        api.put("channels", "GET " + Protocol.CHANNELS_PATH);
        api.put("history", "GET " + Protocol.CHANNELS_PATH + "/{channel}/events?after=ID");
        api.put("metrics", "GET " + Protocol.METRICS_PATH);
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("service", "es, an EventSource hub");
        index.put("console", Protocol.CONSOLE_PATH);
        index.put("api", api);
        return index;
    }

    static void answer(Context ctx) {
        String accept = ctx.header("Accept");
        if (accept != null && accept.contains("text/html")) {
            ctx.redirect(Protocol.CONSOLE_PATH);
            return;
        }
        ctx.contentType(Protocol.JSON).result(INDEX);
    }
}
