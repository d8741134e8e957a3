package dev.es.cli.testing;

import dev.es.cli.Main;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The es command as a real program, for tests that need a process (pipes, signals, shells): the JVM and
 * classpath this test runs with, so it tests these sources without building the launcher's lib/.
 */
public final class EsScript {

    private static final String ENV_TO_DROP = "ES_";

    private EsScript() {}

    /** The command line that runs {@code es ARGS}. */
    public static List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    /** A builder for {@code es ARGS} whose environment has no ES_* of the machine's, plus the given. */
    public static ProcessBuilder process(Map<String, String> env, String... args) {
        ProcessBuilder builder = new ProcessBuilder(command(args));
        builder.environment().keySet().removeIf(name -> name.startsWith(ENV_TO_DROP));
        builder.environment().putAll(env);
        return builder;
    }

    /** Writes an executable {@code es} into the directory, for shells to find on their PATH. */
    public static Path writeTo(Path dir) throws IOException {
        Path es = dir.resolve("es");
        StringBuilder script = new StringBuilder("#!/bin/sh\nexec");
        for (String part : command()) {
            script.append(" '").append(part).append('\'');
        }
        Files.writeString(es, script.append(" \"$@\"\n"));
        Files.setPosixFilePermissions(es, PosixFilePermissions.fromString("rwxr-xr-x"));
        return es;
    }
}
