package dev.es.common;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads durations as people type them on a command line: {@code 250ms}, {@code 10s}, {@code 2m}, {@code 1h}. */
public final class Durations {

    private static final Pattern FORMAT = Pattern.compile("(\\d+)(ms|s|m|h)?");

    private Durations() {}

    /**
     * A duration; a bare number means seconds.
     *
     * @throws IllegalArgumentException naming the expected form
     */
    public static Duration parse(String text) {
        Matcher m = FORMAT.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration: use e.g. 500ms, 10s, 2m or 1h");
        }
        String unit = m.group(2) == null ? "s" : m.group(2);
        try {
            long amount = Long.parseLong(m.group(1));
            return switch (unit) {
                case "ms" -> Duration.ofMillis(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofSeconds(amount);
            };
        } catch (NumberFormatException | ArithmeticException tooLong) {
            throw new IllegalArgumentException("'" + text + "' is too long a duration");
        }
    }
}
