package dev.es.client;

import java.util.List;

/** What HEAD /all tells: every channel and the subscribers of all of them. */
public record HubInfo(List<String> channels, int consumers) {

    public HubInfo {
        channels = List.copyOf(channels);
    }
}
