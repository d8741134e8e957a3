package dev.es.server.http;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.NanoTime;
import org.eclipse.jetty.util.component.AbstractLifeCycle;

/**
 * A request's headers and body must arrive whole within the deadline from their first byte. The idle timeout
 * cuts a client that stops sending; this cuts one that trickles a byte inside every timeout (slowloris), which
 * Jetty 12 does not (its minimum data rate setting is not enforced by its core). HTTP/1 connections, checked a
 * few times per deadline; a stream's own connection, once its request is in, is never cut by it.
 */
final class RequestDeadline extends AbstractLifeCycle {

    private static final int CHECKS_PER_DEADLINE = 4;

    private final ServerConnector connector;
    private final long deadlineNanos;

    RequestDeadline(ServerConnector connector, Duration deadline) {
        this.connector = connector;
        this.deadlineNanos = deadline.toNanos();
    }

    @Override
    protected void doStart() {
        schedule();
    }

    private void schedule() {
        connector.getScheduler().schedule(this::check, deadlineNanos / CHECKS_PER_DEADLINE, TimeUnit.NANOSECONDS);
    }

    private void check() {
        if (!isRunning()) {
            return;
        }
        for (EndPoint endPoint : connector.getConnectedEndPoints()) {
            // The parser is read from this thread while the connection's own may change it: a stale look only
            // delays the cut to the next check.
            if (endPoint.getConnection() instanceof HttpConnection http && overdue(http.getParser())) {
                endPoint.close();
            }
        }
        schedule();
    }

    private boolean overdue(HttpParser parser) {
        boolean receiving = !parser.isStart() && (parser.inHeaderState() || parser.inContentState());
        return receiving && NanoTime.since(parser.getBeginNanoTime()) > deadlineNanos;
    }
}
