package dev.es.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.es.server.testing.Eventually;
import dev.es.server.testing.Programs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archive a user installs, extracted and used as the README says (runs after package). */
class DistArchiveIT {

    private static Path home;
    @TempDir
    static Path into;

    @BeforeAll
    static void extract() throws Exception {
        Path target = Path.of("target");
        Path archive;
        try (var files = Files.list(target)) {
            // The plain archive, not the self-contained one (es-VERSION-linux-x64.tar.gz: SelfContainedIT).
            archive = files.filter(f -> f.getFileName().toString().matches("es-.*\\.tar\\.gz"))
                    .filter(f -> !f.getFileName().toString().endsWith("-linux-x64.tar.gz")).findFirst().orElseThrow();
        }
        assertEquals(0, run(into, "tar", "xzf", archive.toAbsolutePath().toString()).exitCode());
        try (var dirs = Files.list(into)) {
            home = dirs.findFirst().orElseThrow();
        }
    }

    private static Programs.Finished run(Path dir, String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().put("PATH", (home == null ? "" : home.resolve("bin") + ":") + System.getenv("PATH"));
        builder.environment().put("MANWIDTH", "80");
        return Programs.run(builder, Duration.ofSeconds(60));
    }

    @Test
    void theInstalledCommandRunsFromItsBinDirectory() throws Exception {
        // By its path, as a user with bin/ on the PATH runs it (ProcessBuilder looks programs up in our own PATH).
        Programs.Finished version = run(home, home.resolve("bin/es").toString(), "--version");
        assertEquals(0, version.exitCode(), version.output());
        assertTrue(version.output().startsWith("es 0."), version.output());
    }

    @Test
    void theFirstRunsMakeTheClassCacheWithoutAWordOnTheirOutput() throws Exception {
        // On JDK 25+ a run of a command that talks to a hub records the classes it loads and the next makes the
        // cache from that in the background; before, the JVM makes a class-data archive at the first run's exit.
        // Either way each run's output is its answer alone.
        // What a cache maker killed midway (a reboot) left, under the id of a process now gone: no hindrance.
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Files.writeString(home.resolve("lib/es-client.aot." + gone.pid()), "half made");
        try (ServeProcess serve = ServeProcess.start(Map.of(), "--port", "0")) {
            String es = home.resolve("bin/es").toString();
            List<String> outputs = new ArrayList<>();
            for (int run = 0; run < 3; run++) {
                outputs.add(run(home, es, "channels", "--url", serve.url().toString()).output());
            }
            assertEquals(List.of(outputs.getFirst(), outputs.getFirst(), outputs.getFirst()), outputs);
            Path cache = home.resolve(Runtime.version().feature() >= 25 ? "lib/es-client.aot" : "lib/es-client.jsa");
            assertTrue(Eventually.poll(() -> Files.exists(cache), made -> made, Duration.ofSeconds(30)), cache + " made");
            assertEquals(outputs.getFirst(), run(home, es, "channels", "--url", serve.url().toString()).output(), "and used");
        }
    }

    @Test
    void everyCommandHasAManPageThatManFindsThroughThePath() throws Exception {
        for (String page : List.of("es", "es-serve", "es-publish", "es-subscribe", "es-channels", "es-close", "es-config", "es-completion", "es-bench")) {
            assertTrue(Files.exists(home.resolve("man/man1/" + page + ".1")), page);
        }
        Programs.Finished man = run(home, "man", "es-subscribe");
        assertEquals(0, man.exitCode(), man.output());
        assertTrue(man.output().contains("es-subscribe - Print a channel's events as they arrive."), man.output());
        assertTrue(man.output().contains("--last-event-id"), man.output());
    }

    @Test
    void bothCompletionScriptsShip() throws Exception {
        assertTrue(Files.readString(home.resolve("completions/es.bash")).contains("complete -F _complete_es"));
        assertTrue(Files.readString(home.resolve("completions/es.zsh")).startsWith("autoload -U +X compinit"));
    }
}
