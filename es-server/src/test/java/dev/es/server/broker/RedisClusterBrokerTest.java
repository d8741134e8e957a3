package dev.es.server.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.es.common.Event;
import dev.es.server.ServerLog;
import dev.es.server.testing.RunningRedisCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The broker contract, on a real Redis Cluster found from its seed nodes. */
class RedisClusterBrokerTest extends BrokerContract {

    @RegisterExtension
    static final RunningRedisCluster redis = new RunningRedisCluster();

    @Test
    void eachChannelsKeysShareTheSlotItsNameTags() throws Exception {
        for (int i = 0; i < HISTORY + 2; i++) {
            hub.publish("kept", Event.of("e" + i));
        }
        assertEquals(Integer.toString(HISTORY), redis.cluster().commandForKey("XLEN", "es:{kept}:events"));
        assertEquals(redis.cluster().commandForKey("CLUSTER", "KEYSLOT", "kept"),
                redis.cluster().commandForKey("CLUSTER", "KEYSLOT", "es:{kept}:meta"));
    }

    @Override
    Broker newBroker() throws Exception {
        redis.empty();
        return Broker.redis(redis.cluster().seeds(), null, HISTORY, 0, ServerLog.standardError());
    }
}
