package dev.es.cli.testing;

import dev.es.server.testing.Eventually;
import dev.es.server.testing.Programs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** A real terminal: a program in a detached tmux session; keys go in, the screen comes out. */
public final class TerminalSession implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(15);

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
    public String awaitScreen(String text) throws Exception {
        return awaitScreen(Pattern.compile(Pattern.quote(text)));
    }

    /** Waits, bounded, until the pattern is found on the screen, and returns the screen. */
    public String awaitScreen(Pattern pattern) throws Exception {
        String screen = Eventually.poll(this::screen, shown -> pattern.matcher(shown).find(), WAIT);
        if (!pattern.matcher(screen).find()) {
            throw new AssertionError("the screen never showed " + pattern + ":\n" + screen);
        }
        return screen;
    }

    /** Clears the command line being typed, and the screen. */
    public void reset() throws Exception {
        send("C-u");
        send("clear", "Enter");
        String screen = Eventually.poll(this::screen, shown -> !shown.contains("clear"), WAIT);
        if (screen.contains("clear")) {
            throw new AssertionError("the screen did not clear:\n" + screen);
        }
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Programs.Finished run = Programs.run(command);
        if (run.exitCode() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + run.output());
        }
        return run.output();
    }

    /**
     * Ends the session and waits (bounded) until the programs in it are gone too, not only tmux: a shell or es
     * writes its history as it gets SIGHUP, into a home the test is about to delete.
     */
    @Override
    public void close() throws Exception {
        List<Long> inside;
        try {
            // Nothing listed when the session already ended by itself.
            inside = Programs.run(List.of("tmux", "-L", socket, "list-panes", "-a", "-F", "#{pane_pid}")).output().lines()
                    .filter(line -> line.strip().matches("[0-9]+"))
                    .flatMap(pid -> ProcessHandle.of(Long.parseLong(pid.strip())).stream())
                    .flatMap(pane -> Stream.concat(Stream.of(pane), pane.descendants()))
                    .map(ProcessHandle::pid)
                    .toList();
        } finally {
            // Its exit code says nothing: a session that ended by itself has no server to kill.
            Programs.run(List.of("tmux", "-L", socket, "kill-server"));
        }
        if (Eventually.poll(() -> inside.stream().anyMatch(TerminalSession::running), running -> !running, WAIT)) {
            inside.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        }
    }

    /**
     * Whether a process still runs: one that exited is a zombie until this container's init reaps it, seconds
     * later, and ProcessHandle counts a zombie alive.
     */
    private static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException gone) {
            return false;
        }
    }
}
