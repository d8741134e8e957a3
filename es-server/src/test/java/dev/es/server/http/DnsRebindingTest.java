package dev.es.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.es.server.testing.RawHttp;
import dev.es.server.testing.RunningHub;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A web page whose host name its owner made resolve to 127.0.0.1 sends the hub its own name in Host: a hub on
 * loopback answers only loopback names and those it was told.
 */
class DnsRebindingTest {

    @RegisterExtension
    final RunningHub hub = RunningHub.withDefaults();

    @Test
    void aHubOnLoopbackRefusesAnotherSitesHostForEveryRoute() throws Exception {
        String host = "attacker.example:" + hub.server().port();
        assertStatus(403, "POST /victim", host, "{\"data\":\"x\"}");
        assertStatus(403, "GET /_es/v1/channels", host, "");
        assertStatus(403, "DELETE /victim", host, "");
        assertStatus(403, "GET /victim", host, "");
        assertStatus(403, "GET /_es/v1/console", host, "");
        assertEquals(0, hub.api().send(hub.api().request("/_es/v1/channels")).body().chars().filter(c -> c == '{').count(),
                "the refused publish made no channel");
        String answer = exchange("POST /victim", host, "{\"data\":\"x\"}");
        assertTrue(answer.contains("--allowed-hosts"), answer);
    }

    @Test
    void loopbackNamesWithOrWithoutThePortAreAnswered() throws Exception {
        int port = hub.server().port();
        for (String host : List.of("localhost", "localhost:" + port, "127.0.0.1:" + port, "127.1.2.3", "[::1]:" + port,
                "LOCALHOST:" + port)) {
            assertStatus(201, "POST /mine", host, "{\"data\":\"x\"}");
        }
    }

    @Test
    void allowedHostsAddNamesAndAStarAllowsAny() throws Exception {
        hub.restart(s -> s.allowedHosts(List.of("es.example.com", "[2001:db8::1]")));
        int port = hub.server().port();
        assertStatus(201, "POST /mine", "es.example.com:" + port, "{\"data\":\"x\"}");
        assertStatus(201, "POST /mine", "[2001:db8::1]:" + port, "{\"data\":\"x\"}");
        assertStatus(201, "POST /mine", "localhost:" + port, "{\"data\":\"x\"}");
        assertStatus(403, "POST /mine", "attacker.example:" + port, "{\"data\":\"x\"}");
        hub.restart(s -> s.allowedHosts(List.of("*")));
        assertStatus(201, "POST /mine", "attacker.example:" + hub.server().port(), "{\"data\":\"x\"}");
    }

    @Test
    void aHubOnEveryAddressAnswersAnyHostUnlessToldWhich() throws Exception {
        hub.restart(s -> s.host("0.0.0.0"));
        assertStatus(201, "POST /mine", "es.example.com", "{\"data\":\"x\"}");
        hub.restart(s -> s.host("0.0.0.0").allowedHosts(List.of("es.example.com")));
        assertStatus(201, "POST /mine", "es.example.com", "{\"data\":\"x\"}");
        assertStatus(201, "POST /mine", "127.0.0.1", "{\"data\":\"x\"}");
        assertStatus(403, "POST /mine", "other.example", "{\"data\":\"x\"}");
    }

    private void assertStatus(int status, String requestLine, String host, String body) throws Exception {
        String answer = exchange(requestLine, host, body);
        assertTrue(answer.startsWith("HTTP/1.1 " + status + " "), requestLine + " with Host: " + host + " got " + answer);
    }

    private String exchange(String requestLine, String host, String body) throws Exception {
        // Loopback, whatever address the hub listens on.
        return RawHttp.exchange(URI.create("http://127.0.0.1:" + hub.server().port()), requestLine + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
    }
}
