package dev.es.common;

import java.util.Objects;

/**
 * One Server-Sent Event as published and delivered: the fields of the WHATWG event stream format.
 *
 * @param id the event id, or null; a hub gives every stored event one
 * @param event the event type, or null for the default type {@code message}
 * @param data the payload, possibly several lines
 * @param retry the reconnection time in milliseconds to suggest to clients, or null
 */
public record Event(String id, String event, String data, Long retry) {

    /**
     * The longest id one may publish: a client sends it back in a Last-Event-ID header, which servers bound (Jetty
     * at 8 KiB). Checked where events are published ({@link #idProblem}), not here: the ids of a stream
     * of several channels, or of events an older server stored, may be longer and must still be read.
     */
    public static final int MAX_ID_LENGTH = 1024;
    /**
     * The largest numeric id a publisher may choose. The hub's own ids continue above the largest numeric id
     * published, so that ids never go backwards; this leaves it room to count (its own ids, microseconds since
     * the epoch, reach it in the year 2255), and it is the largest integer JavaScript reads exactly.
     */
    public static final long MAX_NUMERIC_ID = (1L << 53) - 1;

    public Event {
        Objects.requireNonNull(data, "data");
        // CWE-93: a CR or LF in a single-line field would let a publisher inject fields or whole events into
        // every subscriber's stream; NUL makes WHATWG clients ignore the id.
        requireSingleLine("id", id);
        requireSingleLine("event", event);
        if (retry != null && retry < 0) {
            throw new IllegalArgumentException("retry must be a non-negative number of milliseconds");
        }
    }

    /**
     * Why an id may not be published, or null when it may (or there is none): longer than {@link #MAX_ID_LENGTH};
     * of a digest's form, which a stream of several channels writes for a long id ({@link MergedStreamId#isDigest}),
     * or of a place's ({@link MergedStreamId#isPlace}), so that one published could stand for another event on
     * resume; or not whole Unicode, which would reach
     * subscribers as '?', an id no resume matches.
     */
    public static String idProblem(String id) {
        if (id == null) {
            return null;
        }
        if (id.length() > MAX_ID_LENGTH) {
            return "id is " + id.length() + " characters long: at most " + MAX_ID_LENGTH
                    + ", as clients send it back in a header to resume";
        }
        if (MergedStreamId.isDigest(id)) {
            return "an id of ~ and 22 letters, digits, - or _ is kept for the digests of long ids";
        }
        if (MergedStreamId.isPlace(id)) {
            return "an id of @ and digits is kept for places in the hub's order, from which streams resume";
        }
        if (isNumberAbove(id, MAX_NUMERIC_ID)) {
            return "id " + id + " is a number above " + MAX_NUMERIC_ID + " (2^53 - 1): the hub numbers the events"
                    + " after a numeric id above it, and could not count past this one";
        }
        return isUnicode(id) ? null : "id holds half of a surrogate pair, which is not Unicode text";
    }

    /** Whether an id is a decimal number (digits only) above the bound, however many digits it has. */
    private static boolean isNumberAbove(String id, long bound) {
        if (id.isEmpty() || !id.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return false;
        }
        String digits = id.replaceFirst("^0+(?=.)", "");
        return digits.length() > Long.toString(bound).length() || Long.parseLong(digits) > bound;
    }

    /** Whether text is whole Unicode: JSON escapes can spell half of a surrogate pair, which no UTF-8 can carry. */
    static boolean isUnicode(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** An event with data only. */
    public static Event of(String data) {
        return new Event(null, null, data, null);
    }

    /** This event with the given id. */
    public Event withId(String newId) {
        return new Event(newId, event, data, retry);
    }

    private static void requireSingleLine(String field, String value) {
        if (value != null && (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\0') >= 0)) {
            throw new IllegalArgumentException(field + " must not contain CR, LF or NUL");
        }
    }
}
