package dev.es.server.hub;

/**
 * An encoded frame as subscribers receive it, with its place in the hub's order: every event a hub stores takes
 * the next number of one hub-wide sequence, so that a stream of several channels can write them in one order and
 * resume from one number ({@link Hub#orderedBelow}). Control frames (a {@code retry:} hint) have no place.
 *
 * @param seq the event's place in the hub's order, or {@link #NO_SEQ} for a control frame
 * @param bytes the frame, shared by every subscriber and the history: never changed
 */
public record Frame(long seq, byte[] bytes) {

    /** The place of a frame that is no event: written whenever it comes. */
    public static final long NO_SEQ = -1;

    static Frame control(byte[] bytes) {
        return new Frame(NO_SEQ, bytes);
    }
}
