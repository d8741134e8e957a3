package dev.es.server.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link RedisCluster} for a test class: {@code @RegisterExtension static final RunningRedisCluster redis =
 * new RunningRedisCluster();} starts it before the first test and stops it after the last.
 */
public final class RunningRedisCluster implements BeforeAllCallback, AfterAllCallback {

    private RedisCluster cluster;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        cluster = RedisCluster.start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        cluster.close();
    }

    public RedisCluster cluster() {
        return cluster;
    }

    /** Empties every primary, after whatever a test did to the cluster is over. */
    public void empty() throws Exception {
        cluster.awaitReady();
        cluster.onEveryPrimary("FLUSHALL");
    }
}
