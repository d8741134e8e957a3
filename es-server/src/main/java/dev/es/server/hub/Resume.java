package dev.es.server.hub;

/**
 * How a subscription resumed from a Last-Event-ID: exactly (it replays what its holder missed, no more, no less),
 * or with a gap (the hub does not hold that id, or holds nothing as old: events in between are gone).
 *
 * @param after the id of the event replay starts after, or null when it starts at the first event the channel
 *     still holds and none was ever let go
 */
public record Resume(boolean exact, String after) {}
