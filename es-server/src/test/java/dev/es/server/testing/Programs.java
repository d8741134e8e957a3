package dev.es.server.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a program of the machine (openssl, redis-cli) to its end, for at most 10 s. */
public final class Programs {

    /** How a program ended: its exit code and everything it printed, stdout and stderr together. */
    public record Finished(int exitCode, String output) {}

    private Programs() {}

    public static Finished run(List<String> argv) throws IOException, InterruptedException {
        // Its output goes to a file, so that the bound holds even when the program never closes it.
        Path output = Files.createTempFile("program", ".out");
        try {
            Process run = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            run.getOutputStream().close();
            if (!run.waitFor(10, TimeUnit.SECONDS)) {
                run.destroyForcibly();
                throw new IOException(argv.getFirst() + " did not finish within 10 s");
            }
            return new Finished(run.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            Files.delete(output);
        }
    }
}
