package dev.es.common;

/**
 * A channel as the hub's JSON listing ({@link Protocol#CHANNELS_PATH}) shows it: written by the server, read by
 * the client.
 *
 * @param events events published to it, or -1 when the hub does not say (it answers HEAD only)
 * @param lastEventAt when the last one was (ISO-8601), or null
 */
public record ChannelStatus(String name, int consumers, long events, String lastEventAt) {}
