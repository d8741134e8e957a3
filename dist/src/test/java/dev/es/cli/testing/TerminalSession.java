package dev.es.cli.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/** A real terminal: a program in a detached tmux session; keys go in, the screen comes out. */
public final class TerminalSession implements AutoCloseable {

    private static final long WAIT_MILLIS = 15_000;

    private final String socket;

    private TerminalSession(String socket) {
        this.socket = socket;
    }

    /** Starts the command (a shell command line) in a 200-column terminal with exactly the given environment. */
    public static TerminalSession start(String shellCommand, Map<String, String> env, Path workDir) throws IOException, InterruptedException {
        String socket = "es-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        // Through env(1): tmux 3.3 hands a new session's shell the server's environment, not new-session -e.
        StringBuilder withEnv = new StringBuilder("env -i");
        env.forEach((k, v) -> withEnv.append(" '").append(k).append('=').append(v.replace("'", "'\\''")).append('\''));
        run(List.of("tmux", "-L", socket, "-f", "/dev/null", "new-session", "-d", "-x", "200", "-y", "50",
                "-c", workDir.toString(), withEnv + " " + shellCommand));
        return new TerminalSession(socket);
    }

    /** Types text; {@code Tab} and {@code Enter} are tmux key names when given alone. */
    public void send(String... keys) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("tmux", "-L", socket, "send-keys", "-t", "0"));
        command.addAll(List.of(keys));
        run(command);
    }

    private String screen() throws IOException, InterruptedException {
        return run(List.of("tmux", "-L", socket, "capture-pane", "-p", "-t", "0"));
    }

    /** Waits, bounded, until the screen contains the text, and returns the screen. */
    public String awaitScreen(String text) throws IOException, InterruptedException {
        return awaitScreen(Pattern.compile(Pattern.quote(text)));
    }

    /** Waits, bounded, until the pattern is found on the screen, and returns the screen. */
    public String awaitScreen(Pattern pattern) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        String screen = screen();
        while (!pattern.matcher(screen).find() && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
            screen = screen();
        }
        if (!pattern.matcher(screen).find()) {
            throw new AssertionError("the screen never showed " + pattern + ":\n" + screen);
        }
        return screen;
    }

    /** Clears the command line being typed, and the screen. */
    public void reset() throws IOException, InterruptedException {
        send("C-u");
        send("clear", "Enter");
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        while (screen().contains("clear")) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("the screen did not clear:\n" + screen());
            }
            Thread.sleep(50);
        }
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
        return output;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        new ProcessBuilder("tmux", "-L", socket, "kill-server").start().waitFor(10, TimeUnit.SECONDS);
    }
}
