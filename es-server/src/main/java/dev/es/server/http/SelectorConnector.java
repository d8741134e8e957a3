package dev.es.server.http;

import java.io.Closeable;
import java.util.concurrent.Executor;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * A connector whose selector accepts connections, sets them up and tears them down itself, where Jetty's own
 * hands each of these steps to a pool thread: a connection then costs no thread wake-up of its own (DESIGN.md,
 * "What a connection costs"). Nothing in them blocks here: the connections are HTTP's and TLS's, whose opening
 * asks for the first read, and the listeners only count ({@link ConnectionLimits}).
 */
final class SelectorConnector extends ServerConnector {

    SelectorConnector(Server server, ConnectionFactory... factories) {
        // No acceptor thread: the selector accepts.
        super(server, 0, -1, factories);
    }

    @Override
    protected SelectorManager newSelectorManager(Executor executor, Scheduler scheduler, int selectors) {
        return new ServerConnectorManager(executor, scheduler, selectors) {
            @Override
            protected void execute(Runnable task) {
                // The steps of a connection's life are the tasks Jetty can also close instead of running; the
                // other task it executes is a selector's own loop, which must have a thread of its own.
                if (task instanceof Closeable) {
                    task.run();
                } else {
                    super.execute(task);
                }
            }
        };
    }
}
