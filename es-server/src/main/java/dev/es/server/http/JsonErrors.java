package dev.es.server.http;

import dev.es.common.ErrorBody;
import dev.es.common.Json;
import dev.es.common.Protocol;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
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
        answer(response, callback, new ApiError(code, message));
    }

    /**
     * Answers what the hub refused a request with ({@link ApiError#of}), or fails the request for any other
     * exception, a fault of ours: Jetty then answers 500 (in JSON, through this handler) and logs it.
     */
    static void answerOrFail(Response response, Callback callback, RuntimeException e) {
        ApiError refusal = ApiError.of(e);
        if (refusal == null) {
            callback.failed(e);
        } else {
            answer(response, callback, refusal);
        }
    }

    /** Answers a request here and now with a JSON error, for the handlers that come before Javalin's routes. */
    static boolean answer(Response response, Callback callback, ApiError error) {
        response.setStatus(error.status());
        if (error.closesConnection()) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
        if (error.retryLater()) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, ApiError.RETRY_AFTER_SECONDS);
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Protocol.JSON);
        byte[] body = Json.write(new ErrorBody(error.getMessage())).getBytes(StandardCharsets.UTF_8);
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }
}
