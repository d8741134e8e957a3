package dev.es.common;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Files and input a user hands a command, read with failures in words: which file, and what is wrong with it
 * (Java's own messages are the bare path, or "Input length = 1").
 */
public final class UserFiles {

    private UserFiles() {}

    /**
     * The file's bytes.
     *
     * @throws EsException (failure) naming the file and why it cannot be read
     */
    public static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new EsException(EsException.FAILURE, file + ": " + why(e), e);
        }
    }

    /**
     * The bytes as UTF-8 text, strictly: events are UTF-8, and a byte that is not would reach subscribers as
     * U+FFFD, silently changed. The same rule for a file and for standard input.
     *
     * @param source what the bytes came from, as the message names it (a file, "standard input")
     * @throws EsException (failure) saying where the first byte that is not UTF-8 is
     */
    public static String utf8(byte[] bytes, String source) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        // UTF-8 never takes more chars than bytes; a new decoder reports what is not UTF-8.
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = StandardCharsets.UTF_8.newDecoder().decode(in, out, true);
        if (result.isError()) {
            throw new EsException(EsException.FAILURE, String.format("%s: not UTF-8 text (byte 0x%02x at offset %d)",
                    source, bytes[in.position()] & 0xff, in.position()));
        }
        return out.flip().toString();
    }

    /** Why a file could not be read, in the words ls or cat would use. */
    public static String why(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        String message = String.valueOf(e.getMessage());
        return message.equals("Is a directory") ? "is a directory" : message;
    }
}
