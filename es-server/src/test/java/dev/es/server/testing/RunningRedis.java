package dev.es.server.testing;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link RedisServer} for a test class: {@code @RegisterExtension static final RunningRedis redis =
 * RunningRedis.plain();} starts it before the first test and stops it after the last.
 */
public final class RunningRedis implements BeforeAllCallback, AfterAllCallback {

    private final boolean tls;
    private RedisServer server;

    private RunningRedis(boolean tls) {
        this.tls = tls;
    }

    public static RunningRedis plain() {
        return new RunningRedis(false);
    }

    /** Serving TLS only, with a certificate from its own CA ({@link #caCert()}). */
    public static RunningRedis tls() {
        return new RunningRedis(true);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        server = tls ? RedisServer.startTls() : RedisServer.start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        server.close();
    }

    public String uri() {
        return server.uri();
    }

    public Path caCert() {
        return server.caCert();
    }

    public String command(String... words) throws Exception {
        return server.command(words);
    }
}
