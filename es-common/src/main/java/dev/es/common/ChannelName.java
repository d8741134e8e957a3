package dev.es.common;

import java.util.regex.Pattern;

/** The rule for channel names, shared by the server's routes and the client's arguments. */
public final class ChannelName {

    /**
     * One path segment of lower-case letters, digits, '-' and '_', as the seed server routes it; no longer
     * than {@link #MAX_LENGTH} (the seed set no bound: every channel's name is held, and with Redis, in keys).
     */
    private static final Pattern PATTERN = Pattern.compile("[a-z0-9_-]+");

    /** The longest name: room for ids and paths, not for a name that is really a payload. */
    public static final int MAX_LENGTH = 200;

    /** The reserved name: publishing to it reaches every channel, subscribing to it is refused. */
    public static final String ALL = "all";

    /** The rule, as error messages state it. */
    public static final String RULE = "channel names use a-z, 0-9, '-' and '_', at most " + MAX_LENGTH + " of them";

    /** Why subscribing to {@link #ALL} is refused. */
    public static final String ALL_IS_RESERVED = "channel 'all' is reserved for publishing to every channel";

    private ChannelName() {}

    /**
     * Whether a name asked for stands for several channels: a prefix ending in {@code *} ({@code news-*}: the
     * channels that start so; {@code *}: every channel).
     */
    public static boolean isPattern(String name) {
        return name.endsWith("*");
    }

    /** The prefix a {@linkplain #isPattern pattern} stands for: {@code news-} for {@code news-*}. */
    public static String prefixOf(String pattern) {
        return pattern.substring(0, pattern.length() - 1);
    }

    /** Whether a {@linkplain #isPattern pattern}'s prefix could start a channel's name ({@code *} alone: every channel). */
    public static boolean isValidPattern(String pattern) {
        if (!isPattern(pattern)) {
            return false;
        }
        String prefix = prefixOf(pattern);
        return prefix.isEmpty() || isValid(prefix);
    }

    /** Whether a channel is the one a name stands for, or one a {@linkplain #isPattern pattern} does. */
    public static boolean matches(String nameOrPattern, String channel) {
        return isPattern(nameOrPattern) ? channel.startsWith(prefixOf(nameOrPattern)) : nameOrPattern.equals(channel);
    }

    public static boolean isValid(String name) {
        return name != null && name.length() <= MAX_LENGTH && PATTERN.matcher(name).matches();
    }
}
