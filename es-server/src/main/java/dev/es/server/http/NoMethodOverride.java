package dev.es.server.http;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Refuses a request that asks, with {@code X-HTTP-Method-Override}, to be taken for another method, which
 * Javalin would otherwise honour: a POST that a proxy let through as a POST would close a channel as a DELETE.
 * The API is the seed's, whose clients send the method itself.
 */
final class NoMethodOverride extends Handler.Abstract.NonBlocking {

    static final String HEADER = "X-HTTP-Method-Override";

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (!request.getHeaders().contains(HEADER)) {
            return false;
        }
        return JsonErrors.answer(response, callback,
                new ApiError(400, HEADER + " is not taken here: send the method itself (" + ChannelRoutes.ALLOWED_METHODS + ")"));
    }
}
