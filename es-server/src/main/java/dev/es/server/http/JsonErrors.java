package dev.es.server.http;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error answers (a request it cannot parse: a bad path, oversized headers, a bad body framing) in
 * the API's JSON shape, {@code {"error": …}}, rather than its HTML page: clients read every error one way.
 */
final class JsonErrors extends ErrorHandler {

    /** Jetty writes an error body for GET, POST and HEAD only; ours every method (HEAD's body is dropped). */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
            Callback callback) {
        StreamHandler.refuse(response, callback, code, message);
    }
}
