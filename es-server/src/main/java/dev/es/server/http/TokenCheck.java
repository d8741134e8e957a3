package dev.es.server.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Checks a token (the publishers', or the subscribers'). Compares digests with {@link MessageDigest#isEqual}, which takes the same time
 * whatever the input, so neither the token's content nor its length leaks through timing (the seed compares
 * with ==).
 */
final class TokenCheck {

    private final byte[] expectedDigest;

    /** @param token the configured token */
    TokenCheck(String token) {
        this.expectedDigest = digest(token);
    }

    /** True when the given token (surrounding spaces ignored, as the seed does) matches. */
    boolean accepts(String given) {
        return given != null && MessageDigest.isEqual(expectedDigest, digest(given.strip()));
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
