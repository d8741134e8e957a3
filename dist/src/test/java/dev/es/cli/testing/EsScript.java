package dev.es.cli.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The es command as users run it, for tests that need a process (pipes, signals, terminals, shells): the
 * distribution's launcher {@code bin/es} on the packaged {@code dist/target/lib}. So these tests run after
 * {@code package}: as {@code *IT} in dist, and in the modules built after it.
 */
public final class EsScript {

    private static final Path ROOT = Path.of(System.getProperty("es.root", "..")).toAbsolutePath().normalize();
    private static final Path LAUNCHER = ROOT.resolve("dist/src/main/dist/bin/es");
    private static final Path LIB = ROOT.resolve("dist/target/lib");

    private EsScript() {}

    /** The command line that runs {@code es ARGS}. */
    public static List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
        command.addAll(List.of(args));
        return command;
    }

    /** A builder for {@code es ARGS} whose environment has no ES_* of the machine's, plus the given. */
    public static ProcessBuilder process(Map<String, String> env, String... args) {
        ProcessBuilder builder = new ProcessBuilder(command(args));
        builder.environment().keySet().removeIf(name -> name.startsWith("ES_"));
        builder.environment().put("ES_LIB", LIB.toString());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().putAll(env);
        return builder;
    }

    /** Writes an executable {@code es} into the directory, for shells to find on their PATH. */
    public static Path writeTo(Path dir) throws IOException {
        Path es = dir.resolve("es");
        Files.writeString(es, "#!/bin/sh\nES_LIB='" + LIB + "' JAVA_HOME='" + System.getProperty("java.home")
                + "' exec '" + LAUNCHER + "' \"$@\"\n");
        Files.setPosixFilePermissions(es, PosixFilePermissions.fromString("rwxr-xr-x"));
        return es;
    }
}
