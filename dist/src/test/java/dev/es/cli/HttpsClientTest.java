package dev.es.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.es.server.EsServer;
import dev.es.server.ServerSettings;
import dev.es.server.testing.Eventually;
import dev.es.server.testing.TestCertificates;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client commands against an https:// hub whose certificate comes from a private CA. */
class HttpsClientTest {

    @TempDir
    static Path folder;
    private static TestCertificates certificates;
    private static EsServer hub;

    @BeforeAll
    static void startHub() throws Exception {
        certificates = TestCertificates.makeIn(folder);
        hub = EsServer.start(ServerSettings.builder().port(0).tls(certificates.certificate(), certificates.key()).build());
    }

    @AfterAll
    static void stopHub() {
        hub.stop();
    }

    @Test
    void publishSubscribeAndChannelsWorkOverHttpsWithTheCaGiven() throws Exception {
        String url = hub.url().toString();
        String ca = certificates.ca().toString();
        CompletableFuture<CliRun> subscriber = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> subscriber.complete(
                CliRun.of("subscribe", "--url", url, "--cacert", ca, "sealed", "-n", "1", "--timeout", "20s")));
        assertEquals(1, Eventually.poll(() -> hub.consumerCount("sealed"), count -> count == 1, Duration.ofSeconds(10)),
                "es subscribe joined within 10 s");
        assertEquals(0, CliRun.of("publish", "--url", url, "--cacert", ca, "sealed", "over TLS").exitCode());
        assertEquals(new CliRun(0, "over TLS\n", ""), subscriber.get(20, TimeUnit.SECONDS));
        CliRun channels = CliRun.of("channels", "--url", url, "--cacert", ca);
        assertEquals(0, channels.exitCode(), channels.err());
        assertTrue(channels.out().contains("sealed"), channels.out());
    }

    @Test
    void aCertificateNotTrustedIsOneLineThatNamesTheWayOut() {
        CliRun refused = CliRun.of("publish", "--url", hub.url().toString(), "ch", "x");
        assertEquals(5, refused.exitCode());
        assertTrue(refused.err().startsWith("es: TLS with " + hub.url() + " failed: "), refused.err());
        assertTrue(refused.err().endsWith("; for a private certificate authority, pass --cacert FILE\n"), refused.err());
        assertEquals(1, refused.err().lines().count(), refused.err());
    }

    @Test
    void aCaFileThatDoesNotLoadIsAUsageError() {
        CliRun refused = CliRun.of("publish", "--url", hub.url().toString(), "--cacert", folder.resolve("none.pem").toString(), "ch", "x");
        assertEquals(2, refused.exitCode());
        assertTrue(refused.err().startsWith("es: cannot read " + folder.resolve("none.pem") + ": no such file\n"), refused.err());
    }
}
