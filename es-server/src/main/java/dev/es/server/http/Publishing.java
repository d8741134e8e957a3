package dev.es.server.http;

import dev.es.server.hub.Hub;
import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * What the two publish handlers ({@link PublishHandler}, {@link BatchPublishHandler}) share: the hub, who may
 * publish, the CORS headers, how long a body may take, the writers' turns a publish runs, and where a publish that
 * may wait runs instead of where Jetty parsed it.
 *
 * @param blocking a thread that may block, for a publish that may wait
 * @param waitsForRedis whether every publish waits (for Redis)
 */
record Publishing(Hub hub, Access access, Cors cors, Duration bodyDeadline, WriterTurns turns, Executor blocking,
        boolean waitsForRedis) {

    /**
     * Where a publish to the channel runs once its body is read: where it came, unless it may wait — for Redis, or
     * to read the channel's history from disk first ({@code all}, as for a batch, whose lines may go anywhere).
     */
    Executor runnerFor(String channel) {
        return waitsForRedis || hub.mayReadStore(channel) ? blocking : Runnable::run;
    }
}
