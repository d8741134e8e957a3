package dev.es.server.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a program of the machine (openssl, redis-cli, tmux, a shell script) to its end, bounded in time. */
public final class Programs {

    /** How a program ended: its exit code and everything it printed, stdout and stderr together. */
    public record Finished(int exitCode, String output) {}

    private Programs() {}

    public static Finished run(List<String> argv) throws IOException, InterruptedException {
        return run(new ProcessBuilder(argv), Duration.ofSeconds(10));
    }

    /** Runs a program as the builder says (its directory, its environment) to its end, for at most {@code within}. */
    public static Finished run(ProcessBuilder program, Duration within) throws IOException, InterruptedException {
        // Its output goes to a file, so that the bound holds even when the program never closes it.
        Path output = Files.createTempFile("program", ".out");
        try {
            Process run = program.redirectErrorStream(true).redirectOutput(output.toFile()).start();
            run.getOutputStream().close();
            if (!run.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
                run.destroyForcibly();
                throw new IOException(program.command().getFirst() + " did not finish within " + within.toSeconds() + " s");
            }
            return new Finished(run.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            Files.delete(output);
        }
    }
}
