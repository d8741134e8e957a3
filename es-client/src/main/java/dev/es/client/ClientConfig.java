package dev.es.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The dotfile {@code ~/.config/es/config} ({@code $XDG_CONFIG_HOME/es/config} when set): {@code key = value}
 * lines for {@code url} and {@code token}. Written with mode 600, since it may hold a token.
 */
public final class ClientConfig {

    /** The keys the file may hold. */
    private static final Set<String> KEYS = Set.of("url", "token");

    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private final Path file;

    public ClientConfig(Path file) {
        this.file = file;
    }

    /** The file for this user, from the environment. */
    public static ClientConfig forUser(Map<String, String> env) {
        String xdg = env.get("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank()
                ? Path.of(xdg)
                : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".config");
        return new ClientConfig(base.resolve("es").resolve("config"));
    }

    public Path file() {
        return file;
    }

    /** Where the interactive publish prompt keeps its history: beside the config file. */
    public Path historyFile() {
        return file.resolveSibling("history");
    }

    /** The values in the file; empty when there is no file. */
    public Map<String, String> read() throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return values;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String trimmed = line.strip();
            int eq = trimmed.indexOf('=');
            if (trimmed.isEmpty() || trimmed.startsWith("#") || eq < 0) {
                continue;
            }
            values.put(trimmed.substring(0, eq).strip(), trimmed.substring(eq + 1).strip());
        }
        return values;
    }

    /** Sets one key, keeping the others; the file is replaced whole, never left half-written. */
    public void set(String key, String value) throws IOException {
        requireKnown(key);
        Map<String, String> values = read();
        values.put(key, value);
        write(values);
    }

    /** Removes one key, keeping the others. */
    public void unset(String key) throws IOException {
        requireKnown(key);
        Map<String, String> values = read();
        if (values.remove(key) != null) {
            write(values);
        }
    }

    private static void requireKnown(String key) {
        if (!KEYS.contains(key)) {
            throw new IllegalArgumentException("unknown setting '" + key + "': use url or token");
        }
    }

    private void write(Map<String, String> values) throws IOException {
        StringBuilder text = new StringBuilder("# es client settings (es config set url|token VALUE)\n");
        values.forEach((k, v) -> text.append(k).append(" = ").append(v).append('\n'));
        Files.createDirectories(file.getParent());
        Path temp = Files.createTempFile(file.getParent(), "config", ".tmp", OWNER_ONLY);
        try {
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Makes the file (mode 600) when missing: the prompt's history, typed events among it, is no one else's. */
    public static void createPrivate(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        if (!Files.exists(file)) {
            Files.createFile(file, OWNER_ONLY);
        }
    }
}
