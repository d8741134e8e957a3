package dev.es.server.http;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.NanoTime;
import org.eclipse.jetty.util.component.AbstractLifeCycle;

/**
 * A request's headers and body must arrive whole within the deadline from their first byte. The idle timeout
 * cuts a client that stops sending; this cuts one that trickles a byte inside every timeout (slowloris), which
 * Jetty 12 does not (its minimum data rate setting is not enforced by its core). HTTP/1 connections, over TLS or
 * not, checked a few times per deadline; a stream's own connection, once its request is in, is never cut by it.
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
        try {
            for (EndPoint endPoint : connector.getConnectedEndPoints()) {
                if (http(endPoint.getConnection()) instanceof HttpConnection http && overdue(http.getParser())) {
                    endPoint.close();
                }
            }
        } finally {
            schedule();
        }
    }

    /** The HTTP connection, under TLS when there is TLS. */
    private static Connection http(Connection connection) {
        return connection instanceof SslConnection tls ? tls.getSslEndPoint().getConnection() : connection;
    }

    /**
     * The parser is read from this thread while the connection's own may change it: the begin time is read first
     * and is 0 once a request is done (a reset), so a connection between requests is never taken for one whose
     * request began long ago; a stale look otherwise only delays the cut to the next check.
     */
    private boolean overdue(HttpParser parser) {
        long began = parser.getBeginNanoTime();
        boolean receiving = began != 0 && !parser.isStart() && (parser.inHeaderState() || parser.inContentState());
        return receiving && NanoTime.since(began) > deadlineNanos;
    }
}
