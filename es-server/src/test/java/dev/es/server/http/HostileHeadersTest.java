package dev.es.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.es.common.Event;
import dev.es.server.EsServer;
import dev.es.server.ServerSettings;
import dev.es.server.testing.ApiClient;
import dev.es.server.testing.RawHttp;
import dev.es.server.testing.SseRecorder;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile headers, each over a raw socket: a clear answer, and a subscriber of another channel that sees
 * nothing injected and keeps receiving, on a server that still answers.
 */
class HostileHeadersTest {

    private static final String TOKEN = "s3cret";
    private static EsServer server;
    private static ApiClient api;
    private static SseRecorder bystander;
    private static int marker;

    @BeforeAll
    static void start() throws Exception {
        server = EsServer.start(ServerSettings.builder().port(0).token(TOKEN).build());
        api = new ApiClient(server.url(), TOKEN);
        bystander = SseRecorder.open(api.url("/bystander"));
        api.awaitConsumers("bystander", 1);
    }

    @AfterAll
    static void stop() throws Exception {
        bystander.close();
        api.close();
        server.stop();
    }

    /** After each case: the bystander gets the next marker and nothing else, and the server answers. */
    @AfterEach
    void theBystanderSawNothingElseAndTheServerAnswers() throws Exception {
        String expected = "marker " + ++marker;
        server.publish("bystander", Event.of(expected));
        bystander.assertData(expected);
        assertEquals(200, api.head("all").statusCode());
    }

    @Test
    void aMethodOverrideIsRefusedNotTaken() throws Exception {
        api.publish("kept", "{\"data\":\"x\"}");
        String answer = RawHttp.exchange(server.url(), "POST /kept HTTP/1.1\r\nHost: 127.0.0.1\r\nAuth-Token: " + TOKEN
                + "\r\nX-HTTP-Method-Override: DELETE\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
        assertTrue(answer.contains("send the method itself"), answer);
        assertEquals("true", api.head("kept").headers().firstValue("X-Channel-Exists").orElseThrow(), "not closed");
    }

    @Test
    void twoAuthTokensAreRefusedEvenWhenOneIsRight() throws Exception {
        String answer = publishWith("bystander", "Auth-Token: wrong", "Auth-Token: " + TOKEN);
        assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
        assertTrue(answer.contains("not several"), answer);
        String stream = RawHttp.exchange(server.url(), "GET /bystander HTTP/1.1\r\nHost: 127.0.0.1\r\nAuth-Token: wrong\r\nAuth-Token: " + TOKEN
                + "\r\nConnection: close\r\n\r\n");
        assertTrue(stream.startsWith("HTTP/1.1 400 "), stream);
    }

    @Test
    void aBearerTokenAndADifferentAuthTokenAreRefusedEvenWhenOneIsRight() throws Exception {
        String answer = publishWith("bystander", "Authorization: Bearer " + TOKEN, "Auth-Token: wrong");
        assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
        assertTrue(answer.contains("different tokens"), answer);
        String same = publishWith("kept", "Authorization: Bearer " + TOKEN, "Auth-Token: " + TOKEN);
        assertTrue(same.startsWith("HTTP/1.1 201 "), same);
    }

    @Test
    void anEmptyAuthTokenIsRefused() throws Exception {
        String answer = publishWith("bystander", "Auth-Token: ");
        assertTrue(answer.startsWith("HTTP/1.1 403 "), answer);
    }

    /** Publishes {"data":"x"} over a raw socket with exactly these token headers, which no client would send. */
    private static String publishWith(String channel, String... tokenHeaders) throws IOException {
        return RawHttp.exchange(server.url(), "POST /" + channel + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + String.join("\r\n", tokenHeaders)
                + "\r\nContent-Type: application/json\r\nContent-Length: 12\r\nConnection: close\r\n\r\n{\"data\":\"x\"}");
    }

    @Test
    void contentLengthWithTransferEncodingIsRefusedAndNothingIsSmuggled() throws Exception {
        String smuggled = "POST /bystander HTTP/1.1\r\nHost: 127.0.0.1\r\nAuth-Token: " + TOKEN
                + "\r\nContent-Type: application/json\r\nContent-Length: 20\r\n\r\n{\"data\":\"smuggled\"}";
        String answer = RawHttp.exchange(server.url(), "POST /other HTTP/1.1\r\nHost: 127.0.0.1\r\nAuth-Token: " + TOKEN
                + "\r\nContent-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "0\r\n\r\n" + smuggled);
        assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
        assertEquals(1, answer.split("HTTP/1.1 ", -1).length - 1, "one answer, no second request: " + answer);
    }

    @Test
    void oversizedHeadersAre431InJsonWhateverTheMethod() throws Exception {
        for (String method : new String[] {"GET", "PUT", "DELETE"}) {
            String answer = RawHttp.exchange(server.url(), method + " /bystander HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Junk: " + "j".repeat(64 * 1024) + "\r\n\r\n");
            assertTrue(answer.startsWith("HTTP/1.1 431 "), answer);
            assertTrue(answer.contains("Content-Type: application/json") && answer.contains("{\"error\":"), answer);
        }
    }

    @Test
    void aGarbageLastEventIdReplaysNothingAndStreams() throws Exception {
        server.publish("replayed", Event.of("history"));
        try (SseRecorder stream = SseRecorder.open(api.url("/replayed"), "Last-Event-ID", "\u00ff".repeat(3) + "' OR 1=1 --" + "9".repeat(500))) {
            assertEquals(200, stream.status());
            assertEquals("es-gap", stream.nextEvent().type(), "an id the hub never gave is a gap");
            server.publish("replayed", Event.of("live"));
            stream.assertData("live");
        }
    }
}
