package dev.es.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.es.server.EsServer;
import dev.es.server.ServerSettings;
import dev.es.server.testing.ApiClient;
import dev.es.server.testing.SseRecorder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AuthAndInfoTest {

    private EsServer server;
    private ApiClient withToken;
    private ApiClient withoutToken;
    private ApiClient wrongToken;

    @BeforeEach
    void start() {
        server = EsServer.start(ServerSettings.builder()
                .port(0)
                .token("s3cret")
                .corsOrigin("https://app.example")
                .corsMethods(List.of("GET", "POST"))
                .build());
        withToken = new ApiClient(server.url(), "s3cret");
        withoutToken = new ApiClient(server.url(), null);
        wrongToken = new ApiClient(server.url(), "s3cre");
    }

    @AfterEach
    void stop() {
        withToken.close();
        withoutToken.close();
        wrongToken.close();
        server.stop();
    }

    @Test
    void publishCloseAndHeadNeedTheTokenAndSubscribeDoesNot() throws Exception {
        for (ApiClient refused : List.of(withoutToken, wrongToken)) {
            HttpResponse<String> publish = refused.publish("ch", "{\"data\":\"x\"}");
            assertEquals(403, publish.statusCode());
            assertEquals("{\"error\":\"publishing needs a valid Auth-Token header\"}", publish.body());
            assertEquals(403, refused.delete("ch").statusCode());
            assertEquals(403, refused.head("ch").statusCode());
        }
        try (SseRecorder sub = SseRecorder.open(withoutToken.url("/ch"))) {
            assertEquals(200, sub.status());
            withToken.awaitConsumers("ch", 1);
            assertEquals(201, withToken.publish("ch", "{\"data\":\"x\"}").statusCode());
            sub.assertData("x");
        }
    }

    @Test
    void headOnTheListingAnswersAsGetDoes() throws Exception {
        for (ApiClient refused : List.of(withoutToken, wrongToken)) {
            assertEquals(403, refused.send(refused.request("/_es/v1/channels").HEAD()).statusCode());
        }
        HttpResponse<String> listed = withToken.send(withToken.request("/_es/v1/channels").HEAD());
        assertEquals(200, listed.statusCode());
        assertEquals("application/json", listed.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("", listed.body());
    }

    @Test
    void theConsoleCannotBeFramedByAnotherSiteAndHeadAnswersAsGet() throws Exception {
        for (HttpRequest.Builder request : List.of(withoutToken.request("/_es/v1/console"),
                withoutToken.request("/_es/v1/console").HEAD())) {
            HttpResponse<String> page = withoutToken.send(request);
            assertEquals(200, page.statusCode());
            assertEquals("text/html;charset=utf-8", page.headers().firstValue("Content-Type").orElseThrow());
            assertTrue(page.headers().firstValue("Content-Security-Policy").orElseThrow().contains("frame-ancestors 'none'"));
            assertEquals("DENY", page.headers().firstValue("X-Frame-Options").orElseThrow());
        }
    }

    @Test
    void theTokenMayCarrySurroundingSpacesAsWithTheSeed() throws Exception {
        HttpResponse<String> answer = withoutToken.send(withoutToken.request("/ch")
                .header("Auth-Token", " s3cret ")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"data\":\"x\"}")));
        assertEquals(201, answer.statusCode());
    }

    @Test
    void headTellsExistenceAndCountsInTheSeedsFormat() throws Exception {
        HttpResponse<String> empty = withToken.head("all");
        assertEquals("0", empty.headers().firstValue("X-Consumer-Count").orElseThrow());
        assertEquals("[]", empty.headers().firstValue("X-Available-Channels").orElseThrow());
        HttpResponse<String> none = withToken.head("nosuch");
        assertEquals("false", none.headers().firstValue("X-Channel-Exists").orElseThrow());
        assertEquals("0", none.headers().firstValue("X-Consumer-Count").orElseThrow());

        try (SseRecorder a = SseRecorder.open(withToken.url("/zeta"));
                SseRecorder b = SseRecorder.open(withToken.url("/alpha"));
                SseRecorder c = SseRecorder.open(withToken.url("/alpha"))) {
            withToken.awaitConsumers("alpha", 2);
            withToken.awaitConsumers("zeta", 1);
            HttpResponse<String> all = withToken.head("all");
            assertEquals("3", all.headers().firstValue("X-Consumer-Count").orElseThrow());
            assertEquals("[alpha,zeta]", all.headers().firstValue("X-Available-Channels").orElseThrow());
            assertEquals("true", withToken.head("alpha").headers().firstValue("X-Channel-Exists").orElseThrow());
            assertFalse(all.headers().firstValue("X-Channel-Exists").isPresent());
        }
    }

    @Test
    void corsHeadersAreOnEveryResponseAndThePreflightIsAnswered() throws Exception {
        HttpResponse<String> refused = withoutToken.publish("ch", "{\"data\":\"x\"}");
        assertEquals("https://app.example", refused.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
        assertEquals("GET, POST", refused.headers().firstValue("Access-Control-Allow-Methods").orElseThrow());
        HttpResponse<String> batch = withoutToken.send(withoutToken.request("/_es/v1/publish")
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString("{\"channel\":\"ch\",\"data\":\"x\"}\n")));
        assertEquals("https://app.example", batch.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
        HttpResponse<String> batchPreflight = withoutToken.send(withoutToken.request("/_es/v1/publish")
                .header("Origin", "https://app.example")
                .header("Access-Control-Request-Method", "POST")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
        assertEquals(204, batchPreflight.statusCode(), "a page on another origin may batch too");
        assertEquals("https://app.example", batchPreflight.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());

        HttpResponse<String> preflight = withoutToken.send(withoutToken.request("/ch")
                .header("Origin", "https://app.example")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type, auth-token")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
        assertEquals(204, preflight.statusCode());
        assertEquals("https://app.example", preflight.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
        assertEquals("GET, POST", preflight.headers().firstValue("Access-Control-Allow-Methods").orElseThrow());
        assertEquals(
                "Content-Type, Authorization, Auth-Token, Last-Event-ID",
                preflight.headers().firstValue("Access-Control-Allow-Headers").orElseThrow());
    }
}
