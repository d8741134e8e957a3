package dev.es.server.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real redis-server (Debian's package) on a free loopback port, never the machine's default one, keeping
 * nothing on disk: started by a test, stopped after it. {@link #restart()} brings it back empty on the same
 * port, as a Redis that lost its data. {@link #startTls()} serves TLS only, with {@link TestCertificates}.
 */
public final class RedisServer implements AutoCloseable {

    private static final Duration START = Duration.ofSeconds(10);

    private final int port;
    private final Path directory;
    private final boolean tls;
    private final boolean clusterNode;
    private Process process;

    private RedisServer(boolean tls, boolean clusterNode) throws IOException {
        this.port = FreePort.pick();
        this.directory = Files.createTempDirectory("es-redis");
        this.tls = tls;
        this.clusterNode = clusterNode;
    }

    public static RedisServer start() throws IOException, InterruptedException {
        RedisServer server = new RedisServer(false, false);
        server.launch();
        return server;
    }

    /** A Redis that speaks TLS only; {@link #caCert()} is the CA its certificate comes from. */
    public static RedisServer startTls() throws IOException, InterruptedException {
        RedisServer server = new RedisServer(true, false);
        TestCertificates.makeIn(server.directory);
        server.launch();
        return server;
    }

    /**
     * A node for a {@link RedisCluster}, not yet part of one; it thinks a peer failed after a second without an
     * answer, so that a failover takes seconds, not the default quarter of a minute.
     */
    static RedisServer startClusterNode() throws IOException, InterruptedException {
        RedisServer server = new RedisServer(false, true);
        server.launch();
        return server;
    }

    public String uri() {
        return (tls ? "rediss" : "redis") + "://127.0.0.1:" + port;
    }

    /** The PEM certificate of the CA that signed a TLS server's certificate. */
    public Path caCert() {
        return directory.resolve("ca.crt");
    }

    public int port() {
        return port;
    }

    /** Its role now, as ROLE's first line says: master or slave. */
    public String role() throws IOException, InterruptedException {
        return command("ROLE").lines().findFirst().orElse("");
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Stops it, as a Redis that went away; {@link #restart()} brings it back. */
    public void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            process = null;
        }
    }

    /** Kills it (SIGKILL), as a machine that died: it says nothing to anyone. */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            process = null;
        }
    }

    /** Stops it and starts it again, empty, on the same port. */
    public void restart() throws IOException, InterruptedException {
        stop();
        launch();
    }

    /** Runs one command with redis-cli and returns its answer, trimmed. */
    public String command(String... words) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port)));
        if (tls) {
            argv.addAll(List.of("--tls", "--cacert", caCert().toString()));
        }
        argv.addAll(List.of(words));
        return Programs.run(argv).output().strip();
    }

    @Override
    public void close() throws InterruptedException, IOException {
        stop();
        try (var files = Files.list(directory)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(directory);
    }

    private void launch() throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("redis-server", "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--dir", directory.toString()));
        if (tls) {
            argv.addAll(List.of("--port", "0", "--tls-port", Integer.toString(port),
                    "--tls-cert-file", directory.resolve("server.crt").toString(),
                    "--tls-key-file", directory.resolve("server.key").toString(),
                    "--tls-ca-cert-file", caCert().toString(), "--tls-auth-clients", "no"));
        } else {
            argv.addAll(List.of("--port", Integer.toString(port)));
        }
        if (clusterNode) {
            argv.addAll(List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                    "--cluster-node-timeout", "1000"));
        }
        process = new ProcessBuilder(argv)
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("redis.log").toFile())
                .start();
        long deadline = System.nanoTime() + START.toNanos();
        while (System.nanoTime() < deadline) {
            if (command("PING").equals("PONG")) {
                return;
            }
            if (!process.isAlive()) {
                throw new IOException("redis-server exited: " + Files.readString(directory.resolve("redis.log")));
            }
            Thread.sleep(20);
        }
        throw new IOException("redis-server did not answer PING within " + START);
    }
}
