package dev.es.server.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.es.server.EsServer;
import dev.es.server.ServerSettings;
import dev.es.server.testing.ApiClient;
import dev.es.server.testing.RunningRedis;
import dev.es.server.testing.SseRecorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** rediss:// to a real redis-server serving TLS only, with a certificate from a private CA. */
class RedisTlsTest {

    @RegisterExtension
    static final RunningRedis redis = RunningRedis.tls();

    @Test
    void twoServersShareChannelsOverTlsTrustingThePrivateCa() throws Exception {
        ServerSettings.Builder settings = ServerSettings.builder().port(0).redis(redis.uri()).redisCaCert(redis.caCert());
        try (EsServer first = EsServer.start(settings.build());
                EsServer second = EsServer.start(settings.build());
                ApiClient publisher = new ApiClient(first.url(), null);
                SseRecorder subscriber = SseRecorder.open(second.url().resolve("/feed"))) {
            publisher.awaitConsumers("feed", 1);
            assertEquals(201, publisher.publish("feed", "{\"data\":\"sealed\"}").statusCode());
            subscriber.assertData("sealed");
        }
    }

    @Test
    void aCertificateNotTrustedIsAClearErrorAtStart() {
        BrokerUnavailableException e = assertThrows(BrokerUnavailableException.class,
                () -> EsServer.start(ServerSettings.builder().port(0).redis(redis.uri()).build()));
        assertTrue(e.getMessage().startsWith("cannot reach Redis at " + redis.uri() + ": "), e.getMessage());
        assertEquals(false, e.getMessage().contains("\n"), e.getMessage());
    }
}
