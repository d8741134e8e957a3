package dev.es.server.http;

import java.util.concurrent.Executor;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The server's handlers in order. Those given here (limits, hosts, the streams and publishes) never block, so a
 * request runs where Jetty parsed it unless the handler hands it on itself (a stream opens on a virtual thread). Javalin adds its servlet (every other
 * route) behind them; it blocks, so each request that reaches it is handed to a virtual thread. Without this the
 * whole sequence counted as blocking, and every request, publishes and streams too, went to a thread of its own.
 */
final class Handlers extends Handler.Sequence {

    private final Executor blocking;

    /**
     * @param blocking runs the handlers added later (Javalin's), each request on a thread that may block
     * @param nonBlocking the handlers that never block, in order
     */
    Handlers(Executor blocking, Handler... nonBlocking) {
        super(nonBlocking);
        this.blocking = blocking;
    }

    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING;
    }

    /** Javalin adds its servlet context here (after the handlers given): it runs on a thread of its own. */
    @Override
    public void addHandler(Handler handler) {
        super.addHandler(new OnThread(handler, blocking));
    }

    /**
     * The last handler, which may block, called on a thread of the executor's; the caller is not held. It takes
     * every request (one it does not is 404): it cannot tell the sequence otherwise once it has handed it on.
     */
    private static final class OnThread extends Handler.Wrapper {

        private final Executor executor;

        OnThread(Handler handler, Executor executor) {
            super(handler);
            this.executor = executor;
        }

        @Override
        public InvocationType getInvocationType() {
            return InvocationType.NON_BLOCKING;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            executor.execute(() -> {
                try {
                    if (!super.handle(request, response, callback)) {
                        Response.writeError(request, response, callback, 404);
                    }
                } catch (Throwable failure) {
                    Response.writeError(request, response, callback, failure);
                }
            });
            return true;
        }
    }
}
