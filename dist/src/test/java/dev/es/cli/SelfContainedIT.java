package dev.es.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.es.server.testing.Programs;
import dev.es.server.testing.RedisServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The self-contained tarball (es-VERSION-linux-x64.tar.gz), extracted and run as on a machine with no Java: no
 * JAVA_HOME, and a PATH holding only the programs the launcher uses (this machine's own java is not on it).
 */
class SelfContainedIT {

    /** What bin/es and libexec/jdk.sh run besides java. */
    private static final List<String> SHELL_TOOLS = List.of("bash", "readlink", "mv", "rm");

    @TempDir
    static Path into;
    private static Path home;
    private static Path path;

    @BeforeAll
    static void extract() throws Exception {
        Path archive;
        try (var files = Files.list(Path.of("target"))) {
            archive = files.filter(f -> f.getFileName().toString().matches("es-.*-linux-x64\\.tar\\.gz")).findFirst().orElseThrow();
        }
        Programs.Finished tar = Programs.run(new ProcessBuilder("tar", "xzf", archive.toAbsolutePath().toString())
                .directory(into.toFile()), Duration.ofSeconds(60));
        assertEquals(0, tar.exitCode(), tar.output());
        try (var dirs = Files.list(into)) {
            home = dirs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        path = Files.createDirectory(into.resolve("path"));
        for (String tool : SHELL_TOOLS) {
            Files.createSymbolicLink(path.resolve(tool), Path.of(Programs.run(List.of("bash", "-c", "command -v " + tool))
                    .output().strip()));
        }
    }

    private static ProcessBuilder es(String... args) {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/es").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(into.toFile());
        builder.environment().clear();
        builder.environment().put("PATH", path.toString());
        builder.environment().put("HOME", into.toString());
        return builder;
    }

    /** {@code es serve ARGS} from the tarball, on a free port. */
    private static ServeProcess serve(String... args) throws IOException {
        List<String> serve = new ArrayList<>(List.of("serve", "--port", "0"));
        serve.addAll(List.of(args));
        return ServeProcess.start(es(serve.toArray(String[]::new)));
    }

    private static Programs.Finished run(String... args) throws IOException, InterruptedException {
        return Programs.run(es(args), Duration.ofSeconds(30));
    }

    @Test
    void theCommandsRunOnTheirOwnRuntimeWithNoJavaInstalled() throws Exception {
        Programs.Finished java = Programs.run(es().command(path.resolve("bash").toString(), "-c", "command -v java || echo none"),
                Duration.ofSeconds(10));
        assertEquals("none", java.output().strip(), "no java on the PATH the commands get");
        Programs.Finished version = run("--version");
        assertEquals(0, version.exitCode(), version.output());
        assertTrue(version.output().startsWith("es 0."), version.output());
        assertTrue(version.output().contains("Java 25"), "the bundled runtime: " + version.output());
        // Its ahead-of-time cache ships made: the first run has nothing to record and prints only its answer.
        assertTrue(Files.exists(home.resolve("lib/es-client.aot")));
        assertEquals(version.output(), run("--version").output());
    }

    @Test
    void serveKeepsHistoryOnDiskAndPublishAndHistoryTalkToIt() throws Exception {
        Path data = into.resolve("data");
        try (ServeProcess serve = serve("--token", "t", "--data", data.toString())) {
            // The launcher execs java, so the process is the JVM.
            assertEquals(home.resolve("runtime/bin/java").toRealPath(),
                    Path.of("/proc", Long.toString(serve.pid()), "exe").toRealPath(), "es serve runs the bundled java");
            Programs.Finished published = run("publish", "--url", serve.url().toString(), "--token", "t", "news", "hello");
            assertEquals(0, published.exitCode(), published.output());
            Programs.Finished history = run("history", "--url", serve.url().toString(), "--token", "t", "news");
            assertEquals(0, history.exitCode(), history.output());
            assertTrue(history.output().contains("hello"), history.output());
            HttpResponse<String> metrics = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(serve.url() + "/_es/v1/metrics")).header("Auth-Token", "t").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, metrics.statusCode(), "the metrics' JVM gauges need java.management: " + metrics.body());
        }
        assertTrue(Files.exists(data.resolve("history.log")), "history on disk");
    }

    @Test
    void serveSharesChannelsThroughRedis() throws Exception {
        try (RedisServer redis = RedisServer.start();
                ServeProcess serve = serve("--token", "t", "--redis", redis.uri())) {
            // Answered once Redis has stored it (Lettuce and Netty on the bundled runtime).
            Programs.Finished published = run("publish", "--url", serve.url().toString(), "--token", "t", "shared", "over redis");
            assertEquals(0, published.exitCode(), published.output());
        }
    }
}
