package dev.es.server.http;

import dev.es.common.Event;
import dev.es.common.Json;
import dev.es.common.Protocol;
import dev.es.common.PublishBody;
import dev.es.server.ServerMetrics;
import dev.es.server.hub.Hub;
import io.micrometer.core.instrument.Timer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * POST {@code /{channel}}, a publish, as a Jetty handler that never blocks: it runs where Jetty parsed the request,
 * reads the body as it arrives ({@link BodyReader}), publishes on the thread the last bytes came on (which then
 * writes a small fan-out itself: {@link WriterTurns}), and answers with header fields made once. With --data it
 * is answered once the store made the event durable and delivered it: in place when the store's write is the
 * commit (relaxed), else on the store's syncer. A publish that may
 * wait (for Redis, or for a channel's history on disk to be read) is handed to a thread that may block. Anything
 * else goes on to the next handler.
 */
final class PublishHandler extends Handler.Abstract.NonBlocking {

    private static final HttpField JSON = new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, Protocol.JSON);

    private final Publishing shared;
    private final long maxEventBytes;
    private final ServerMetrics metrics;

    PublishHandler(Publishing shared, long maxEventBytes, ServerMetrics metrics) {
        this.shared = shared;
        this.maxEventBytes = maxEventBytes;
        this.metrics = metrics;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String channel = ChannelPath.of(request);
        if (!HttpMethod.POST.is(request.getMethod()) || channel == null) {
            return false;
        }
        shared.cors().headers().forEach(response.getHeaders()::put);
        String maker;
        try {
            String shown = Access.headerToken(request.getHeaders().getValuesList(HttpHeader.AUTHORIZATION),
                    request.getHeaders().getValuesList(Protocol.AUTH_TOKEN));
            shared.access().requirePublish(shown, channel);
            // Whose limit of channels made this counts against: its address, unless it shows the hub's token.
            maker = shared.access().isHubToken(shown) ? null : Request.getRemoteAddr(request);
            requireMediaType(request, Protocol.JSON);
        } catch (ApiError refusal) {
            return BodyReader.refuse(request, response, callback, refusal, shared.bodyDeadline());
        }
        BodyReader.read(request, maxEventBytes, "--max-event-bytes", shared.bodyDeadline(), new BodyReader.Done() {
            @Override
            public void body(byte[] body) {
                shared.runnerFor(channel).execute(() -> publish(channel, body, maker, response, callback));
            }

            @Override
            public void refused(ApiError refusal) {
                JsonErrors.answer(response, callback, refusal);
            }
        });
        return true;
    }

    private void publish(String channel, byte[] body, String maker, Response response, Callback callback) {
        Event event;
        try {
            event = PublishBody.read(body);
        } catch (IllegalArgumentException unreadable) {
            JsonErrors.answer(response, callback, new ApiError(400, unreadable.getMessage()));
            return;
        }
        Timer.Sample started = Timer.start();
        CompletableFuture<Event> stored;
        try {
            stored = shared.turns().publish(() -> shared.hub().publishAsync(channel, event, maker));
        } catch (RuntimeException e) {
            started.stop(metrics.publishes());
            JsonErrors.answerOrFail(response, callback, e);
            return;
        }
        // Answered once delivered: here in memory or relaxed (after the writes the publish woke); synced once durable,
        // on the store's syncer as a writer turn, after those its delivery woke there.
        BiConsumer<Event, Throwable> answer = (accepted, failure) -> {
            started.stop(metrics.publishes());
            try {
                if (failure != null) {
                    JsonErrors.answerOrFail(response, callback, Hub.failureOf(failure));
                    return;
                }
                response.setStatus(201);
                response.getHeaders().put(JSON);
                String json = accepted.id() == null ? "{}" : Json.write(Map.of("id", accepted.id()));
                response.write(true, ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)), callback);
            } catch (RuntimeException e) {
                // Nothing else would end the request: the stage that ran this is dropped.
                callback.failed(e);
            }
        };
        if (stored.isDone()) {
            stored.whenComplete(answer);
        } else {
            stored.whenCompleteAsync(answer, shared.turns());
        }
    }

    /**
     * Refuses a request whose media type, parameters (charset) aside, is not the one given: the seed's substring
     * test took "text/plain; x=application/json".
     */
    static void requireMediaType(Request request, String expected) {
        String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (contentType == null) {
            contentType = "";
        }
        int parameters = contentType.indexOf(';');
        String mediaType = (parameters < 0 ? contentType : contentType.substring(0, parameters)).strip();
        if (!mediaType.equalsIgnoreCase(expected)) {
            throw new ApiError(400, "Content-Type must be " + expected);
        }
    }
}
