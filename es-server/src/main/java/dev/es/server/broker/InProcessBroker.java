package dev.es.server.broker;

import dev.es.common.Event;
import java.util.Objects;

/** One server alone: accepting an event is delivering it. */
final class InProcessBroker implements Broker {

    private volatile Sink sink;

    @Override
    public void connect(Sink target) {
        sink = Objects.requireNonNull(target);
    }

    @Override
    public Event publish(String channel, Event event) {
        return sink.deliver(channel, event);
    }

    @Override
    public void closeChannel(String channel) {
        sink.closeChannel(channel);
    }

    @Override
    public void close() {
        // Nothing held beyond the sink.
    }
}
