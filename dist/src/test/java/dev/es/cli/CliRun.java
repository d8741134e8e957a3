package dev.es.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import java.io.StringWriter;

/** One run of the es command in-process: its exit code and what it printed. */
record CliRun(int exitCode, String out, String err) {

    /**
     * Runs es in-process with an environment of its own: no ES_* variables and an empty home, so the machine's
     * ES_TOKEN or dotfile cannot change what a test sees.
     */
    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), Map.of("HOME", HOME.toString()), args);
        return new CliRun(code, out.toString(), err.toString());
    }

    private static final Path HOME = emptyHome();

    private static Path emptyHome() {
        try {
            // Under the build's own folder: nothing left in /tmp when the JVM is killed before its hook runs.
            Path home = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "es-home");
            // Shared by every run in this JVM, so it goes with it (with whatever a command wrote there).
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try (Stream<Path> files = Files.walk(home)) {
                    files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
                } catch (IOException alreadyGone) {
                    // Nothing left to delete.
                }
            }));
            return home;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
