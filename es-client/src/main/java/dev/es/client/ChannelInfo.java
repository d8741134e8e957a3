package dev.es.client;

/** What HEAD tells of one channel. */
public record ChannelInfo(String name, boolean exists, int consumers) {}
