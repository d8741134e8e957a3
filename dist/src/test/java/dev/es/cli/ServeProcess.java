package dev.es.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.es.cli.testing.EsScript;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A real {@code es serve} process, started through the distribution's launcher ({@link EsScript}) as a user would. */
final class ServeProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("listening on (https?://\\S+),");

    private final Process process;
    private final Path stderr;
    private final URI url;
    private final BufferedReader stdout;
    private final String firstLine;

    private ServeProcess(Process process, Path stderr, URI url, BufferedReader stdout, String firstLine) {
        this.process = process;
        this.stderr = stderr;
        this.url = url;
        this.stdout = stdout;
        this.firstLine = firstLine;
    }

    /** Starts {@code es serve ARGS} and returns once it says where it listens. */
    static ServeProcess start(Map<String, String> env, String... args) throws IOException {
        return start(builder(env, args));
    }

    /**
     * Starts an es serve some other way (a package's launcher, as another user) and returns once it says where
     * it listens.
     */
    static ServeProcess start(ProcessBuilder serve) throws IOException {
        Path stderr = Files.createTempFile("es-serve", ".err");
        Process process = serve.redirectError(stderr.toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null) {
            throw new AssertionError("es serve exited before listening: " + Files.readString(stderr));
        }
        Matcher m = LISTENING.matcher(line);
        assertTrue(m.find(), "unexpected first line: " + line);
        return new ServeProcess(process, stderr, URI.create(m.group(1)), out, line);
    }

    /** Runs {@code es serve ARGS} to completion (bounded), returning its exit code and stderr. */
    static Finished run(String... args) throws IOException, InterruptedException {
        return run(Map.of(), args);
    }

    /** Runs {@code es serve ARGS} with these environment variables added, to completion (bounded). */
    static Finished run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        Path stderr = Files.createTempFile("es-serve", ".err");
        try {
            Process process = builder(env, args).redirectError(stderr.toFile()).start();
            process.getOutputStream().close();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                // A server that started where it should have refused: not left listening.
                process.destroyForcibly();
                fail("es did not finish within 30 s");
            }
            return new Finished(process.exitValue(), Files.readString(stderr));
        } finally {
            Files.delete(stderr);
        }
    }

    record Finished(int exitCode, String stderr) {}

    private static ProcessBuilder builder(Map<String, String> env, String... args) {
        String[] serve = new String[args.length + 1];
        serve[0] = "serve";
        System.arraycopy(args, 0, serve, 1, args.length);
        return EsScript.process(env, serve);
    }

    URI url() {
        return url;
    }

    int port() {
        return url.getPort();
    }

    long pid() {
        return process.pid();
    }

    /** The files (sockets included) the server process has open now, as /proc lists them. */
    int openFiles() throws IOException {
        try (var files = Files.list(Path.of("/proc", Long.toString(process.pid()), "fd"))) {
            return (int) files.count();
        }
    }

    /** Waits (bounded) for the process to exit and returns its exit code. */
    int awaitExit(long millis) throws InterruptedException {
        assertTrue(process.waitFor(millis, TimeUnit.MILLISECONDS), "es serve still running after " + millis + " ms");
        return process.exitValue();
    }

    /** What it wrote first: where it listens, and with which settings. */
    String firstLine() {
        return firstLine;
    }

    /** Everything it wrote to standard output, its first line included; call once it has exited. */
    List<String> stdout() throws IOException {
        List<String> lines = new ArrayList<>(List.of(firstLine));
        for (String line = stdout.readLine(); line != null; line = stdout.readLine()) {
            lines.add(line);
        }
        return lines;
    }

    String stderr() throws IOException {
        return Files.readString(stderr);
    }

    @Override
    public void close() throws IOException {
        process.destroyForcibly();
        Files.deleteIfExists(stderr);
    }
}
