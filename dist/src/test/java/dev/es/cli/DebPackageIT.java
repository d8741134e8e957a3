package dev.es.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.es.cli.testing.TerminalSession;
import dev.es.server.testing.Programs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The .deb installed on this machine with dpkg (CI runs the tests as root), used as its user would, then removed
 * and purged. Installing puts files in /usr and /etc and adds a user: the test leaves the machine as it found it.
 */
class DebPackageIT {

    private static final Duration DPKG = Duration.ofSeconds(120);

    @TempDir
    Path scratch;

    private static Programs.Finished run(String... command) throws IOException, InterruptedException {
        return Programs.run(new ProcessBuilder(command), DPKG);
    }

    @Test
    void installedItRunsAsAServiceWouldAndRemovingLeavesOnlyTheSettings() throws Exception {
        if (!"0".equals(run("id", "-u").output().strip())) {
            fail("installing the .deb needs root: run the tests as root, as CI does");
        }
        Path deb;
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            deb = files.filter(f -> f.getFileName().toString().matches("es_.*_amd64\\.deb")).findFirst().orElseThrow();
        }
        assertFalse(Files.exists(Path.of("/usr/bin/es")), "an es is installed already: this test would replace it");
        try {
            Programs.Finished install = run("dpkg", "-i", deb.toAbsolutePath().toString());
            assertEquals(0, install.exitCode(), install.output());

            Programs.Finished version = run("/usr/bin/es", "--version");
            assertEquals(0, version.exitCode(), version.output());
            assertTrue(version.output().startsWith("es 0.") && version.output().contains("Java 25"), version.output());

            Programs.Finished man = Programs.run(new ProcessBuilder("man", "es-subscribe")
                    .redirectInput(ProcessBuilder.Redirect.PIPE), Duration.ofSeconds(30));
            assertTrue(man.output().contains("es-subscribe - Print a channel's events as they arrive."), man.output());

            // bash-completion loads es's completion from the installed file on the first Tab after "es".
            Programs.Finished completion = run("bash", "-c", "source /usr/share/bash-completion/bash_completion; "
                    + "! complete -p es 2>/dev/null && __load_completion es && COMP_WORDS=(es sub) COMP_CWORD=1 "
                    + "COMP_LINE='es sub' COMP_POINT=6 && _complete_es es sub es && printf '%s\\n' \"${COMPREPLY[@]}\"");
            assertEquals("subscribe", completion.output().strip(), completion.output());
            zshCompletesFromTheInstalledFunction();

            Programs.Finished verify = run("bash", "-c", "! command -v systemd-analyze >/dev/null"
                    + " || systemd-analyze verify /usr/lib/systemd/system/es.service");
            assertEquals(0, verify.exitCode(), "systemd-analyze accepts the unit: " + verify.output());

            assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of("/etc/es/token"))),
                    "the token made at install is the es group's to read");
            servesAsTheServiceUserWithTheShippedSettings();

            Programs.Finished remove = run("dpkg", "-r", "es");
            assertEquals(0, remove.exitCode(), remove.output());
            assertFalse(Files.exists(Path.of("/usr/bin/es")) || Files.exists(Path.of("/usr/lib/es"))
                    || Files.exists(Path.of("/usr/lib/systemd/system/es.service")), "the program and its unit are gone");
            assertEquals(List.of("serve.yaml"), list(Path.of("/etc/es")), "removed: only the conffile stays");

            Programs.Finished purge = run("dpkg", "-P", "es");
            assertEquals(0, purge.exitCode(), purge.output());
            assertFalse(purge.output().contains("deluser") || purge.output().contains("warning"), purge.output());
            assertFalse(Files.exists(Path.of("/etc/es")), "purged: the settings");
            assertEquals(2, run("getent", "passwd", "es").exitCode(), "purged: the service's user");
        } finally {
            run("dpkg", "-P", "es");
        }
    }

    /** zsh finds _es in its vendor directory by itself (Debian's fpath) and completes with it, from the first Tab. */
    private void zshCompletesFromTheInstalledFunction() throws Exception {
        try (TerminalSession zsh = TerminalSession.start("zsh -f", Map.of("PATH", "/usr/bin:/bin", "HOME",
                scratch.toString(), "TERM", "xterm"), scratch)) {
            zsh.send("autoload -U compinit && compinit -u && echo ready", "Enter");
            zsh.awaitScreen("ready");
            zsh.send("es subscribe --last", "Tab");
            String screen = zsh.awaitScreen("es subscribe --last-event-id");
            assertFalse(screen.contains("not found"), screen);
            zsh.send("C-u", "es sub", "Tab");
            zsh.awaitScreen(Pattern.compile("es subscribe\\s*$", Pattern.MULTILINE));
        }
    }

    /** es serve as es.service runs it, as the user es, with /etc/es/serve.yaml; its data where the test says. */
    private void servesAsTheServiceUserWithTheShippedSettings() throws Exception {
        Path data = Files.createDirectory(scratch.resolve("data"));
        assertEquals(0, run("chown", "es:es", scratch.toString(), data.toString()).exitCode());
        // setpriv execs (runuser would stay as the parent), so the process ended at close is the server's.
        try (ServeProcess serve = ServeProcess.start(new ProcessBuilder("setpriv", "--reuid=es", "--regid=es",
                "--init-groups", "/usr/bin/es", "serve", "--config", "/etc/es/serve.yaml", "--port", "0", "--data",
                data.toString()))) {
            assertTrue(serve.firstLine().matches("es serve: listening on http://127\\.0\\.0\\.1:\\d+,.*auth on.*"),
                    "on loopback, with the token file: " + serve.firstLine());
            Programs.Finished published = run("/usr/bin/es", "publish", "--url", serve.url().toString(), "--token-file",
                    "/etc/es/token", "news", "installed");
            assertEquals(0, published.exitCode(), published.output());
            assertTrue(Files.exists(data.resolve("history.log")), "history on disk, written by the user es");
        }
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }
}
