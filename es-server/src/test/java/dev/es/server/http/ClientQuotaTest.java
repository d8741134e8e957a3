package dev.es.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.es.common.PemFiles;
import dev.es.server.ServerSettings;
import dev.es.server.testing.ApiClient;
import dev.es.server.testing.RunningHub;
import dev.es.server.testing.TestCertificates;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * One client cannot fill the server: what it follows (across its connections and streams) and the channels it
 * made are bounded per address, with 429 and Retry-After past either; the hub token's holder is not bounded.
 */
class ClientQuotaTest {

    private static final String TOKEN = "hub-token";

    @RegisterExtension
    final RunningHub hub = RunningHub.with(ClientQuotaTest::quotas);

    private static ServerSettings.Builder quotas(ServerSettings.Builder settings) {
        return settings.token(TOKEN).maxChannels(100).maxSubscriptionsPerClient(50).maxChannelsPerClient(60);
    }

    @Test
    void oneHttp2ConnectionOfMergedStreamsOfNewChannelsStopsAtItsQuota(@TempDir Path folder) throws Exception {
        // Over TLS, where the JDK's client speaks HTTP/2 (it has no h2c by prior knowledge): every stream on one connection.
        TestCertificates certificates = TestCertificates.makeIn(folder);
        hub.restart(s -> quotas(s).tls(certificates.certificate(), certificates.key()));
        List<HttpResponse<InputStream>> open = new ArrayList<>();
        try (HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
                .sslContext(PemFiles.trusting(certificates.ca())).build()) {
            try {
                for (int stream = 0; stream < 6; stream++) {
                    int first = stream * 10;
                    String channels = IntStream.range(first, first + 10).mapToObj(c -> "channel=new-" + c)
                            .collect(Collectors.joining("&"));
                    HttpResponse<InputStream> answer = h2.send(HttpRequest.newBuilder(hub.api().url("/_es/v1/stream?" + channels))
                            .build(), HttpResponse.BodyHandlers.ofInputStream());
                    assertEquals(HttpClient.Version.HTTP_2, answer.version());
                    open.add(answer);
                }
                for (int stream = 0; stream < 5; stream++) {
                    assertEquals(200, open.get(stream).statusCode(), "stream " + stream);
                }
                HttpResponse<InputStream> refused = open.get(5);
                assertEquals(429, refused.statusCode());
                assertEquals("1", refused.headers().firstValue("Retry-After").orElseThrow());
                String why = new String(refused.body().readAllBytes());
                assertTrue(why.contains("--max-subscriptions-per-client"), why);
                assertEquals(201, hub.api().publish("legitimate", "{\"data\":\"x\"}").statusCode(),
                        "the server still makes channels for others");
                // A stream that ends gives its share back.
                open.getFirst().body().close();
                hub.api().awaitConsumers("new-0", 0);
                open.add(h2.send(HttpRequest.newBuilder(hub.api().url("/_es/v1/stream?channel=again")).build(),
                        HttpResponse.BodyHandlers.ofInputStream()));
                assertEquals(200, open.getLast().statusCode());
            } finally {
                // Before the client closes: it waits for every exchange to end.
                for (HttpResponse<InputStream> stream : open) {
                    stream.body().close();
                }
            }
        }
    }

    @Test
    void aClientWithoutTheHubsTokenMakesChannelsUpToItsLimit() throws Exception {
        hub.restart(s -> s.maxChannelsPerClient(3));
        try (ApiClient open = new ApiClient(hub.url(), null)) {
            // An open hub: publishing needs no token, so every publisher is counted by its address.
            for (int c = 0; c < 3; c++) {
                assertEquals(201, open.publish("made-" + c, "{\"data\":\"x\"}").statusCode());
            }
            HttpResponse<String> refused = open.publish("made-3", "{\"data\":\"x\"}");
            assertEquals(429, refused.statusCode());
            assertTrue(refused.body().contains("--max-channels-per-client"), refused.body());
            assertEquals(201, open.publish("made-0", "{\"data\":\"to a channel it made\"}").statusCode());
            assertEquals(200, open.delete("made-0").statusCode());
            assertEquals(201, open.publish("made-3", "{\"data\":\"room again\"}").statusCode());
        }
    }

    @Test
    void theHubsTokenIsNotBoundedPerClient() throws Exception {
        hub.restart(s -> s.token(TOKEN).maxChannelsPerClient(3).maxSubscriptionsPerClient(2));
        for (int c = 0; c < 10; c++) {
            assertEquals(201, hub.api().publish("bulk-" + c, "{\"data\":\"x\"}").statusCode());
        }
        HttpRequest all = HttpRequest.newBuilder(hub.api().url("/_es/v1/stream?channel=bulk-*"))
                .header("Auth-Token", TOKEN).build();
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<InputStream> stream = client.send(all, HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, stream.statusCode());
            stream.body().close();
        }
    }
}
