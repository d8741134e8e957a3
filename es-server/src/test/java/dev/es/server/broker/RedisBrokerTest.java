package dev.es.server.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.es.common.Event;
import dev.es.server.ServerLog;
import dev.es.server.testing.RunningRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The broker contract, on a real redis-server. */
class RedisBrokerTest extends BrokerContract {

    @RegisterExtension
    static final RunningRedis redis = RunningRedis.plain();

    @Test
    void eachChannelIsAStreamTrimmedToTheHistory() throws Exception {
        for (int i = 0; i < HISTORY + 2; i++) {
            hub.publish("kept", Event.of("e" + i));
        }
        assertEquals(Integer.toString(HISTORY), redis.command("XLEN", "es:{kept}:events"));
    }

    @Override
    Broker newBroker() throws Exception {
        redis.command("FLUSHALL");
        return Broker.redis(redis.uri(), null, HISTORY, 0, ServerLog.standardError());
    }
}
