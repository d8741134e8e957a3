package dev.es.common;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The id of an event on a stream of several channels, which says which channel the event came from and where the
 * stream is, so that a reconnect sending it back as Last-Event-ID resumes every channel with no gap and no
 * duplicate. Where one hub orders every event it stores, that is one number, the event's place in that order:
 * {@code c=CHANNEL&@=PLACE}, as long whatever the channels and however many. Where it does not (several servers
 * on Redis), it is the stream's position in each channel: {@code c=CHANNEL&a=ID&b=ID…}, values URL-encoded.
 *
 * <p>It travels back in a request header, which servers and proxies bound (Jetty and nginx at 8 KiB, with the
 * request line and every other header): a position longer than {@link #LONGEST_POSITION} is written as a
 * {@linkplain #digestOf digest} of the id, and a stream is refused whose names leave no room ({@link #longest}).
 */
public final class MergedStreamId {

    /**
     * The most a reconnect's request may take, its URL, headers and the stream's longest id together: Jetty bounds
     * a request line and its headers at 8 KiB together (nginx at 8 KiB a line); 1 KiB is left for what a client
     * may add to a reconnect.
     */
    public static final int MAX_LENGTH = 7 * 1024;

    private static final String CHANNEL_KEY = "c=";
    /** A hub's own ids (numbers) are written as they are; anything longer is digested. */
    private static final int LONGEST_POSITION = 24;
    private static final char DIGEST_MARK = '~';
    /** 16 bytes of SHA-256: a collision among one channel's retained ids is out of reach. */
    private static final int DIGEST_BYTES = 16;
    private static final Base64.Encoder DIGEST_TEXT = Base64.getUrlEncoder().withoutPadding();
    private static final int DIGEST_LENGTH = 1 + DIGEST_TEXT.encode(new byte[DIGEST_BYTES]).length;
    private static final Pattern DIGEST_FORM = Pattern.compile(DIGEST_MARK + "[A-Za-z0-9_-]{" + (DIGEST_LENGTH - 1) + "}");

    /** What a place is when there is none. */
    public static final long NO_PLACE = -1;
    /** The key of the place: no channel's name can be it. */
    private static final String PLACE_KEY = "@";
    private static final Pattern PLACE_FORM = Pattern.compile(PLACE_KEY + "[0-9]{1,18}");

    private MergedStreamId() {}

    /** The id of an event of {@code channel} at {@code place} in its hub's order. */
    public static String ofPlace(String channel, long place) {
        return CHANNEL_KEY + channel + "&" + PLACE_KEY + "=" + place;
    }

    /** The place a merged stream's id names ({@code c=…&@=PLACE}), or {@link #NO_PLACE}. */
    public static long placeIn(String id) {
        if (channel(id) == null) {
            return NO_PLACE;
        }
        int at = id.lastIndexOf("&" + PLACE_KEY + "=");
        return at < 0 ? NO_PLACE : place(PLACE_KEY + id.substring(at + 3));
    }

    /** How a channel is resumed from a place in its hub's order: {@code @PLACE}, read back by {@link #place}. */
    public static String resumeFrom(long place) {
        return PLACE_KEY + place;
    }

    /**
     * The place a channel's resume point stands for ({@code @PLACE}), or {@link #NO_PLACE} for an event's id: a
     * publisher's id of this form is refused (see {@link #isPlace}).
     */
    public static long place(String position) {
        return isPlace(position) ? Long.parseLong(position.substring(PLACE_KEY.length())) : NO_PLACE;
    }

    /** Whether an id has a place's form, {@code @} and up to 18 digits. */
    public static boolean isPlace(String id) {
        return id != null && id.startsWith(PLACE_KEY) && PLACE_FORM.matcher(id).matches();
    }

    /**
     * One channel's position as the id carries it: {@code a=ID}, or {@code a=~DIGEST} for a long id. A digest
     * given (a stream resumed from one, before that channel's next event) is carried as it is.
     */
    public static String position(String channel, String id) {
        if (isDigest(id)) {
            return channel + "=" + id;
        }
        String encoded = encodedIfShort(id);
        return channel + "=" + (encoded != null ? encoded : digest(id));
    }

    /**
     * The digest a stream carries in place of an event's id, or null when it carries the id itself: a position
     * read back ({@link #positions}) stands for the event whose id, or digest, it equals. Asked of every event a
     * channel stores, so the hub's own ids (numbers) are answered without encoding anything.
     */
    public static String digestOf(String id) {
        return isDigest(id) || encodedIfShort(id) != null ? null : digest(id);
    }

    /**
     * Whether an id has a digest's form, {@code ~} and 22 characters of base64url: carried as it is, it cannot
     * break the id it sits in (no {@code &}, {@code =} or {@code %}) and decodes to itself.
     */
    public static boolean isDigest(String id) {
        return id.length() == DIGEST_LENGTH && id.charAt(0) == DIGEST_MARK && DIGEST_FORM.matcher(id).matches();
    }

    /** The id URL-encoded when that fits a position, else null; itself when encoding leaves it as it is. */
    private static String encodedIfShort(String id) {
        if (id.length() > LONGEST_POSITION) {
            return null;
        }
        if (id.chars().allMatch(MergedStreamId::isLeftAsItIs)) {
            return id;
        }
        String encoded = URLEncoder.encode(id, StandardCharsets.UTF_8);
        return encoded.length() <= LONGEST_POSITION ? encoded : null;
    }

    /** The characters URLEncoder leaves as they are. */
    private static boolean isLeftAsItIs(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-'
                || c == '*' || c == '_';
    }

    private static String digest(String id) {
        try {
            byte[] sha256 = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            return DIGEST_MARK + DIGEST_TEXT.encodeToString(Arrays.copyOf(sha256, DIGEST_BYTES));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /**
     * The longest id a stream of these channels can write, whatever their events' ids: a stream is refused when
     * this and the rest of its request are over {@link #MAX_LENGTH}, since the id it would write could not come back.
     */
    public static int longest(Collection<String> channels) {
        int names = 0;
        int longestName = 0;
        for (String channel : channels) {
            names += channel.length();
            longestName = Math.max(longestName, channel.length());
        }
        return CHANNEL_KEY.length() + longestName + names + channels.size() * ("&=".length() + LONGEST_POSITION);
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

    /**
     * Each channel's position in a merged stream's id (an id, or a digest: see {@link #digestOf}), or an empty
     * map for any other id.
     */
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
