package dev.es.common;

import java.util.regex.Pattern;

/** The rule for channel names, shared by the server's routes and the client's arguments. */
public final class ChannelName {

    /** One path segment of lower-case letters, digits, '-' and '_', as the seed server routes it. */
    private static final Pattern PATTERN = Pattern.compile("[a-z0-9_-]+");

    /** The reserved name: publishing to it reaches every channel, subscribing to it is refused. */
    public static final String ALL = "all";

    /** The rule, as error messages state it. */
    public static final String RULE = "channel names use a-z, 0-9, '-' and '_'";

    /** Why subscribing to {@link #ALL} is refused. */
    public static final String ALL_IS_RESERVED = "channel 'all' is reserved for publishing to every channel";

    private ChannelName() {}

    public static boolean isValid(String name) {
        return name != null && PATTERN.matcher(name).matches();
    }
}
