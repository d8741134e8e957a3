package dev.es.client;

/**
 * A channel as the hub's JSON listing shows it.
 *
 * @param events events published to it, or -1 when the hub does not say (it answers HEAD only)
 * @param lastEventAt when the last one was (ISO-8601), or null
 */
public record ChannelStatus(String name, int consumers, long events, String lastEventAt) {}
