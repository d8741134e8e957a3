package dev.es.server.broker;

import dev.es.server.testing.RunningRedis;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Three es servers on one real redis-server. */
class SeveralServersTest extends SeveralServersContract {

    @RegisterExtension
    static final RunningRedis redis = RunningRedis.plain();

    @Override
    String redisUri() {
        return redis.uri();
    }

    @Override
    void emptyRedis() throws Exception {
        redis.command("FLUSHALL");
    }
}
