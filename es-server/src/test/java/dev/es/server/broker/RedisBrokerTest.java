package dev.es.server.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.es.common.Event;
import dev.es.server.ServerLog;
import dev.es.server.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The broker contract, on a real redis-server. */
class RedisBrokerTest extends BrokerContract {

    private static RedisServer redis;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.close();
    }

    @Test
    void eachChannelIsAStreamTrimmedToTheHistory() throws Exception {
        for (int i = 0; i < HISTORY + 2; i++) {
            hub.publish("kept", Event.of("e" + i));
        }
        assertEquals(Integer.toString(HISTORY), redis.command("XLEN", "es:channel:kept"));
    }

    @Override
    Broker newBroker() throws Exception {
        redis.command("FLUSHALL");
        return Broker.redis(redis.uri(), null, HISTORY, ServerLog.standardError());
    }
}
