package dev.es.server.broker;

import dev.es.common.ChannelStatus;
import dev.es.common.Event;
import java.util.List;
import java.util.function.Predicate;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/** One server alone: accepting an event is delivering it, and this server's channels are all there are. */
final class InProcessBroker implements Broker {

    private volatile Sink sink;

    @Override
    public void connect(Sink target) {
        sink = Objects.requireNonNull(target);
    }

    @Override
    public CompletableFuture<Event> publish(String channel, Event event) {
        return sink.deliver(channel, event);
    }

    @Override
    public void follow(String channel, String lastEventId) {
        // Every event already reaches this server's hub.
    }

    @Override
    public boolean connected() {
        return true;
    }

    @Override
    public void closeChannel(String channel) {
        sink.closeChannel(channel);
    }

    @Override
    public ChannelStatus status(String channel) {
        return sink.localStatus(channel);
    }

    @Override
    public List<ChannelStatus> statuses() {
        return sink.localStatuses();
    }

    @Override
    public boolean ordersAcrossChannels() {
        return true;
    }

    @Override
    public List<String> channelsStartingWith(String prefix, Predicate<String> wanted, int limit) {
        return sink.localChannelsStartingWith(prefix, wanted, limit);
    }

    @Override
    public void close() {
        // Nothing held beyond the sink.
    }
}
