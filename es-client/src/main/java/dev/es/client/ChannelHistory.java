package dev.es.client;

import dev.es.common.Event;
import java.util.List;

/**
 * A page of a channel's retained events, oldest first, and whether they follow the id asked for exactly (false:
 * the hub no longer holds what came between).
 */
public record ChannelHistory(List<Event> events, boolean exact) {}
