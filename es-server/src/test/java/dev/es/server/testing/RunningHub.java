package dev.es.server.testing;

import dev.es.common.PemFiles;
import dev.es.server.EsServer;
import dev.es.server.ServerSettings;
import java.net.URI;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real hub on a free port for each test, with an API client that sends its token:
 * {@code @RegisterExtension final RunningHub hub = RunningHub.with(s -> s.token("t"));}
 */
public final class RunningHub implements BeforeEachCallback, AfterEachCallback {

    private final UnaryOperator<ServerSettings.Builder> settings;
    private EsServer server;
    private ApiClient api;

    private RunningHub(UnaryOperator<ServerSettings.Builder> settings) {
        this.settings = settings;
    }

    /** A hub with these settings (on top of the defaults and port 0). */
    public static RunningHub with(UnaryOperator<ServerSettings.Builder> settings) {
        return new RunningHub(settings);
    }

    /** A hub with the default settings. */
    public static RunningHub withDefaults() {
        return new RunningHub(UnaryOperator.identity());
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        start(settings);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        stop();
    }

    /** Replaces the hub with one of other settings, for the one test that needs them. */
    public void restart(UnaryOperator<ServerSettings.Builder> other) {
        stop();
        start(other);
    }

    public EsServer server() {
        return server;
    }

    /** A client sending the hub's token, if it has one. */
    public ApiClient api() {
        return api;
    }

    public URI url() {
        return server.url();
    }

    private void start(UnaryOperator<ServerSettings.Builder> with) {
        server = EsServer.start(with.apply(ServerSettings.builder()).port(0).build());
        ServerSettings running = server.settings();
        // Over TLS the client trusts the server's own certificate: the hub's chain is its test's business.
        api = running.tls() ? new ApiClient(server.url(), running.token(), PemFiles.trusting(running.tlsCert()))
                : new ApiClient(server.url(), running.token());
    }

    private void stop() {
        api.close();
        server.stop();
    }
}
