package dev.es.common;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The id of an event on a stream of several channels: {@code c=CHANNEL&a=ID&b=ID…}, values URL-encoded. It says
 * which channel the event came from and where the stream is in each channel, so that a reconnect sending it back
 * as Last-Event-ID resumes every channel with no gap and no duplicate.
 */
public final class MergedStreamId {

    private static final String CHANNEL_KEY = "c=";

    private MergedStreamId() {}

    /** One channel's position as the id carries it: {@code a=ID}. */
    public static String position(String channel, String id) {
        return channel + "=" + URLEncoder.encode(id, StandardCharsets.UTF_8);
    }

    /** The id of an event of {@code channel}, given every channel's {@link #position}. */
    public static String of(String channel, Iterable<String> positions) {
        StringBuilder id = new StringBuilder(CHANNEL_KEY).append(channel);
        for (String position : positions) {
            id.append('&').append(position);
        }
        return id.toString();
    }

    /** The channel a merged stream's id names, or null for any other id. */
    public static String channel(String id) {
        if (id == null || !id.startsWith(CHANNEL_KEY)) {
            return null;
        }
        int end = id.indexOf('&');
        return id.substring(CHANNEL_KEY.length(), end < 0 ? id.length() : end);
    }

    /** Each channel's position in a merged stream's id, or an empty map for any other id. */
    public static Map<String, String> positions(String id) {
        Map<String, String> positions = new LinkedHashMap<>();
        if (channel(id) == null) {
            return positions;
        }
        String[] pairs = id.split("&");
        // The first is c=CHANNEL; a channel's name has no '&'.
        for (int i = 1; i < pairs.length; i++) {
            int equals = pairs[i].indexOf('=');
            if (equals > 0) {
                try {
                    positions.put(pairs[i].substring(0, equals),
                            URLDecoder.decode(pairs[i].substring(equals + 1), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException garbled) {
                    // Not a position this hub wrote: that channel resumes as an unknown id would, from now.
                }
            }
        }
        return positions;
    }
}
