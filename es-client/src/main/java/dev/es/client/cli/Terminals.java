package dev.es.client.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether a standard stream is a terminal, which decides between output for people and output for pipes. */
public final class Terminals {

    private Terminals() {}

    static boolean stdinIsTerminal() {
        return isTerminal(0);
    }

    public static boolean stdoutIsTerminal() {
        return isTerminal(1);
    }

    static boolean stderrIsTerminal() {
        return isTerminal(2);
    }

    /**
     * On Linux the descriptor's link names its device; elsewhere {@link System#console()} is the JDK's answer
     * (null when a stream is redirected, before JDK 22).
     */
    private static boolean isTerminal(int fd) {
        Path link = Path.of("/proc/self/fd/" + fd);
        if (Files.exists(Path.of("/proc/self/fd"))) {
            try {
                String target = Files.readSymbolicLink(link).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            } catch (IOException | UnsupportedOperationException e) {
                return false;
            }
        }
        return System.console() != null;
    }
}
