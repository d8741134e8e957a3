package dev.es.server.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a program of the machine (openssl, redis-cli) to its end, for at most 10 s. */
public final class Programs {

    /** How a program ended: its exit code and everything it printed, stdout and stderr together. */
    public record Finished(int exitCode, String output) {}

    private Programs() {}

    public static Finished run(List<String> argv) throws IOException, InterruptedException {
        Process run = new ProcessBuilder(argv).redirectErrorStream(true).start();
        run.getOutputStream().close();
        String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!run.waitFor(10, TimeUnit.SECONDS)) {
            run.destroyForcibly();
            throw new IOException(argv.getFirst() + " did not finish within 10 s");
        }
        return new Finished(run.exitValue(), output);
    }
}
