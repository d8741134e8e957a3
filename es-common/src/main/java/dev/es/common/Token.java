package dev.es.common;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A token and where it came from, found the way every es command finds one: {@code --token}, else
 * {@code --token-file} (its first line; keeps the token out of ps and shell history), else {@code ES_TOKEN}.
 *
 * @param value the token
 * @param source where it came from, for messages ("token from ES_TOKEN was refused")
 */
public record Token(String value, String source) {

    /**
     * @param flag {@code --token}, or null
     * @param file {@code --token-file} ("-" for standard input), or null
     * @return the token, or null when none of the three gives one
     * @throws EsException (usage) when both flags are given, or the file cannot be read or holds no token
     */
    public static Token find(String flag, String file, Map<String, String> env, InputStream stdin) {
        if (flag != null && file != null) {
            throw new EsException(EsException.USAGE, "--token and --token-file both given: choose one");
        }
        if (flag != null) {
            return new Token(flag, "--token");
        }
        if (file != null) {
            return new Token(read(file, stdin), "--token-file " + file);
        }
        String fromEnv = env.get("ES_TOKEN");
        return fromEnv == null || fromEnv.isBlank() ? null : new Token(fromEnv, "ES_TOKEN");
    }

    private static String read(String name, InputStream stdin) {
        try {
            byte[] content = name.equals("-") ? stdin.readAllBytes() : Files.readAllBytes(Path.of(name));
            String first = new String(content, StandardCharsets.UTF_8).lines().findFirst().orElse("").strip();
            if (first.isEmpty()) {
                throw new EsException(EsException.USAGE, "the token file " + name + " is empty");
            }
            return first;
        } catch (IOException e) {
            throw new EsException(EsException.USAGE, "cannot read the token file " + name + ": " + UserFiles.why(e));
        }
    }
}
