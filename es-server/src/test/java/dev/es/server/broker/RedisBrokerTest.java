package dev.es.server.broker;

import dev.es.server.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

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

    @Override
    Broker newBroker() throws Exception {
        redis.command("FLUSHALL");
        return Broker.redis(redis.uri(), null, HISTORY);
    }
}
