package dev.es.server.hub;

import java.time.Instant;

/**
 * A channel as the listing shows it.
 *
 * @param events events published to it since it was created (on this server)
 * @param lastEventAt when the last one was, or null
 */
public record ChannelStats(String name, int consumers, long events, Instant lastEventAt) {}
