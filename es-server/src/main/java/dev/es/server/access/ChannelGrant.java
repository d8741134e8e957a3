package dev.es.server.access;

import dev.es.common.ChannelName;
import java.util.List;

/**
 * The channels a channel token lets its holder follow and publish to. Each entry is a channel's name, a prefix
 * ending in {@code *} ({@code news-*}), or {@code *} for every channel.
 *
 * @param subscribe what the holder may follow
 * @param publish what the holder may publish to
 */
public record ChannelGrant(List<String> subscribe, List<String> publish) {

    public ChannelGrant {
        subscribe = List.copyOf(subscribe);
        publish = List.copyOf(publish);
    }

    public boolean mayFollow(String channel) {
        return subscribe.stream().anyMatch(pattern -> ChannelName.matches(pattern, channel));
    }

    public boolean mayPublish(String channel) {
        return publish.stream().anyMatch(pattern -> ChannelName.matches(pattern, channel));
    }
}
