package dev.es.common;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads durations as people type them on a command line: {@code 250ms}, {@code 1.5s}, {@code 1m30s}, {@code 2h};
 * a bare number ({@code 10}, {@code 0.5}) means seconds.
 */
public final class Durations {

    private static final Pattern BARE = Pattern.compile("\\d+(\\.\\d+)?");
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");
    private static final Map<String, BigDecimal> NANOS_PER_UNIT = Map.of(
            "ms", BigDecimal.valueOf(1_000_000L), "s", BigDecimal.valueOf(1_000_000_000L),
            "m", BigDecimal.valueOf(60_000_000_000L), "h", BigDecimal.valueOf(3_600_000_000_000L));
    private static final BigDecimal LONGEST = BigDecimal.valueOf(Long.MAX_VALUE);

    private Durations() {}

    /**
     * A duration: parts of a number and a unit (ms, s, m, h), one after another, or a bare number of seconds.
     *
     * @throws IllegalArgumentException naming the expected form
     */
    public static Duration parse(String text) {
        String typed = text.strip();
        BigDecimal nanos = BigDecimal.ZERO;
        if (BARE.matcher(typed).matches()) {
            nanos = new BigDecimal(typed).multiply(NANOS_PER_UNIT.get("s"));
        } else {
            Matcher part = PART.matcher(typed);
            int at = 0;
            while (at < typed.length() && part.find(at) && part.start() == at) {
                nanos = nanos.add(new BigDecimal(part.group(1)).multiply(NANOS_PER_UNIT.get(part.group(2))));
                at = part.end();
            }
            if (at == 0 || at < typed.length()) {
                throw new IllegalArgumentException("'" + text + "' is not a duration: use e.g. 250ms, 1.5s, 1m30s or 2h "
                        + "(a bare number is seconds)");
            }
        }
        if (nanos.compareTo(LONGEST) > 0) {
            throw new IllegalArgumentException("'" + text + "' is too long a duration");
        }
        return Duration.ofNanos(nanos.longValue());
    }

    /** A duration in words a person reads at a glance, to its two largest units: 42 s, 3 min 5 s, 2 h 10 min, 3 d 4 h. */
    public static String words(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return seconds / 60 + " min " + seconds % 60 + " s";
        }
        if (seconds < 86_400) {
            return seconds / 3600 + " h " + seconds % 3600 / 60 + " min";
        }
        return seconds / 86_400 + " d " + seconds % 86_400 / 3600 + " h";
    }
}
