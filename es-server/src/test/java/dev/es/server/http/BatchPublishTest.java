package dev.es.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.es.server.ServerSettings;
import dev.es.server.access.JwtKey;
import dev.es.server.testing.ApiClient;
import dev.es.server.testing.RawHttp;
import dev.es.server.testing.RunningHub;
import dev.es.server.testing.SseRecorder;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** POST /_es/v1/publish: many events in one request, each line answered as a single publish would be. */
class BatchPublishTest {

    private static final String TOKEN = "hub-token";
    private static final byte[] SECRET = "a secret of more than thirty-two bytes".getBytes(StandardCharsets.UTF_8);

    @RegisterExtension
    final RunningHub hub = RunningHub.with(this::settings);

    /** The hub's settings; {@link BatchPublishOnDiskTest} keeps its history on disk. */
    ServerSettings.Builder settings(ServerSettings.Builder settings) {
        return settings.token(TOKEN);
    }

    @Test
    void eachLineIsPublishedInOrderAndAnsweredOnItsOwnLine() throws Exception {
        try (SseRecorder a = SseRecorder.open(hub.api().url("/a"));
                SseRecorder b = SseRecorder.open(hub.api().url("/b"))) {
            hub.api().awaitConsumers("b", 1);
            List<String> answer = batch(hub.api(), """
                    {"channel": "a", "data": "one", "event": "greeting"}
                    {"channels": ["a", "b"], "data": "two", "id": "t2"}
                    {"channel": "a", "data": "three", "retry": 500}
                    """);
            assertEquals(3, answer.size(), answer.toString());
            assertTrue(answer.get(0).matches("\\{\"id\":\"[0-9]+\"}"), answer.get(0));
            assertEquals("{\"ids\":{\"a\":\"t2\",\"b\":\"t2\"}}", answer.get(1));
            a.assertData("one");
            SseRecorder.Item two = a.nextEvent();
            assertEquals("two", two.data());
            assertEquals("t2", two.id());
            a.assertData("three");
            b.assertData("two");
            String firstId = answer.get(0).replaceAll("[^0-9]", "");
            String thirdId = answer.get(2).replaceAll("[^0-9]", "");
            assertTrue(Long.parseLong(thirdId) > Long.parseLong(firstId), "the hub's ids go on increasing");
            try (SseRecorder again = SseRecorder.open(hub.api().url("/a"), "Last-Event-ID", firstId)) {
                again.assertData("two");
                again.assertData("three");
            }
        }
    }

    @Test
    void aBadLineCostsOnlyItselfWithTheStatusItWouldHaveHadAlone() throws Exception {
        try (SseRecorder sub = SseRecorder.open(hub.api().url("/ok"))) {
            hub.api().awaitConsumers("ok", 1);
            List<String> answer = batch(hub.api(), String.join("\n",
                    "not json",
                    "{\"channel\": \"ok\", \"data\": \"first\"}",
                    "{\"channel\": \"Bad Name\", \"data\": \"x\"}",
                    "{\"data\": \"no channel\"}",
                    "{\"channel\": \"ok\"}",
                    "{\"channel\": \"ok\", \"data\": \"x\", \"id\": \"a\\nb\"}",
                    "{\"channel\": \"ok\", \"data\": \"x\", \"id\": 9007199254740992}",
                    "{\"channel\": \"ok\", \"data\": 5}",
                    "",
                    "{\"channel\": \"ok\", \"data\": \"last\"}"));
            assertEquals(10, answer.size(), answer.toString());
            for (int bad : List.of(0, 2, 3, 4, 5, 6, 7, 8)) {
                assertTrue(answer.get(bad).startsWith("{\"status\":400,\"error\":"), bad + ": " + answer.get(bad));
            }
            assertTrue(answer.get(1).startsWith("{\"id\":"), answer.get(1));
            assertTrue(answer.get(9).startsWith("{\"id\":"), answer.get(9));
            sub.assertData("first");
            sub.assertData("last");
        }
    }

    @Test
    void tokensAndChannelTokensApplyLineByLineAndAllNeedsTheHubsToken() throws Exception {
        hub.restart(s -> s.token(TOKEN).jwtKey(JwtKey.secret(SECRET)));
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder().subject("writer")
                .claim(JwtKey.CLAIM, Map.of("publish", List.of("chat-*"))).build());
        jwt.sign(new MACSigner(SECRET));
        try (ApiClient writer = new ApiClient(hub.url(), jwt.serialize());
                ApiClient anonymous = new ApiClient(hub.url(), null)) {
            List<String> answer = batch(writer, """
                    {"channel": "chat-1", "data": "granted"}
                    {"channel": "news", "data": "not granted"}
                    {"channels": ["chat-2", "news"], "data": "partly granted: refused whole"}
                    {"channel": "all", "data": "everyone"}
                    """);
            assertTrue(answer.get(0).startsWith("{\"id\":"), answer.get(0));
            for (int refused = 1; refused < 4; refused++) {
                assertTrue(answer.get(refused).contains("\"status\":403"), answer.get(refused));
            }
            assertEquals(false, hub.server().channelExists("chat-2"), "a line is checked whole before it is published");
            assertTrue(batch(anonymous, "{\"channel\": \"chat-1\", \"data\": \"x\"}\n").getFirst().contains("\"status\":403"));
            assertEquals("{}", batch(hub.api(), "{\"channel\": \"all\", \"data\": \"everyone\"}\n").getFirst(),
                    "each channel numbers an event to all itself");
        }
    }

    @Test
    void limitsApplyLineByLineAndTheWholeRequestHasItsOwnBound() throws Exception {
        hub.restart(s -> s.token(TOKEN).maxBatchBytes(1024).maxChannels(2));
        List<String> answer = batch(hub.api(), """
                {"channel": "one", "data": "x"}
                {"channel": "two", "data": "x"}
                {"channel": "three", "data": "x"}
                """);
        assertTrue(answer.get(1).startsWith("{\"id\":"), answer.get(1));
        assertTrue(answer.get(2).startsWith("{\"status\":503,"), "past --max-channels, as alone: " + answer.get(2));
        HttpResponse<String> tooLarge = hub.api().send(hub.api().request("/_es/v1/publish")
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString("{\"channel\": \"one\", \"data\": \"" + "x".repeat(2000) + "\"}\n")));
        assertEquals(413, tooLarge.statusCode());
        assertTrue(tooLarge.body().contains("--max-batch-bytes"), tooLarge.body());
        HttpResponse<String> notNdjson = hub.api().send(hub.api().request("/_es/v1/publish")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertEquals(400, notNdjson.statusCode());
    }

    @Test
    void aBodyCutShortPublishesNothing() throws Exception {
        try (SseRecorder sub = SseRecorder.open(hub.api().url("/cut"))) {
            hub.api().awaitConsumers("cut", 1);
            String lines = "{\"channel\": \"cut\", \"data\": \"never\"}\n";
            try (Socket socket = new Socket(hub.url().getHost(), hub.url().getPort())) {
                OutputStream out = socket.getOutputStream();
                out.write(("POST /_es/v1/publish HTTP/1.1\r\nHost: 127.0.0.1\r\nAuth-Token: " + TOKEN
                        + "\r\nContent-Type: application/x-ndjson\r\nContent-Length: " + (lines.length() + 100) + "\r\n\r\n"
                        + lines).getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            // The connection is gone before the body was whole: nothing of it is published.
            String raw = RawHttp.exchange(hub.url(), "POST /cut HTTP/1.1\r\nHost: 127.0.0.1\r\nAuth-Token: " + TOKEN
                    + "\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: 17\r\n\r\n{\"data\":\"marker\"}");
            assertTrue(raw.startsWith("HTTP/1.1 201"), raw);
            sub.assertData("marker");
        }
    }

    private static List<String> batch(ApiClient api, String lines) throws Exception {
        HttpResponse<String> answer = api.send(api.request("/_es/v1/publish")
                .header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofString(lines)));
        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals("application/x-ndjson", answer.headers().firstValue("Content-Type").orElseThrow());
        return answer.body().lines().toList();
    }
}
