package dev.es.server.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real redis-server (Debian's package) on a free loopback port, never the machine's default one, keeping
 * nothing on disk: started by a test, stopped after it. {@link #restart()} brings it back empty on the same
 * port, as a Redis that lost its data.
 */
public final class RedisServer implements AutoCloseable {

    private static final Duration START = Duration.ofSeconds(10);

    private final int port;
    private final Path directory;
    private Process process;

    private RedisServer(int port, Path directory) {
        this.port = port;
        this.directory = directory;
    }

    public static RedisServer start() throws IOException, InterruptedException {
        RedisServer server = new RedisServer(freePort(), Files.createTempDirectory("es-redis"));
        server.launch();
        return server;
    }

    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    public int port() {
        return port;
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

    /** Stops it and starts it again, empty, on the same port. */
    public void restart() throws IOException, InterruptedException {
        stop();
        launch();
    }

    /** Sends one command (words without spaces) and returns Redis's first line of answer. */
    public String command(String... words) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write((String.join(" ", words) + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
                line.append((char) c);
            }
            return line.toString().strip();
        }
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
        process = new ProcessBuilder(List.of(
                        "redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                        "--save", "", "--appendonly", "no", "--dir", directory.toString()))
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("redis.log").toFile())
                .start();
        long deadline = System.nanoTime() + START.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (command("PING").equals("+PONG")) {
                    return;
                }
            } catch (IOException notYet) {
                // Still starting.
            }
            if (!process.isAlive()) {
                throw new IOException("redis-server exited: " + Files.readString(directory.resolve("redis.log")));
            }
            Thread.sleep(20);
        }
        throw new IOException("redis-server did not answer PING within " + START);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
