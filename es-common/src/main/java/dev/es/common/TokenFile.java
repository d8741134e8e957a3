package dev.es.common;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a token from a file (its first line, trimmed), for {@code --token-file}: keeps it out of ps and history. */
public final class TokenFile {

    private TokenFile() {}

    /**
     * @param name a file name, or "-" for standard input
     * @throws EsException (usage) when the file cannot be read or holds no token
     */
    public static String read(String name, InputStream stdin) {
        try {
            byte[] content = name.equals("-") ? stdin.readAllBytes() : Files.readAllBytes(Path.of(name));
            String first = new String(content, StandardCharsets.UTF_8).lines().findFirst().orElse("").strip();
            if (first.isEmpty()) {
                throw new EsException(EsException.USAGE, "the token file " + name + " is empty");
            }
            return first;
        } catch (IOException e) {
            throw new EsException(EsException.USAGE, "cannot read the token file " + name + ": " + e.getMessage());
        }
    }
}
