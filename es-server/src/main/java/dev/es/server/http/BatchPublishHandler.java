package dev.es.server.http;

import dev.es.common.ChannelName;
import dev.es.common.Event;
import dev.es.common.Protocol;
import dev.es.common.PublishBatch;
import dev.es.server.hub.Hub;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * POST {@code /_es/v1/publish}, many events in one request ({@link PublishBatch}), as a Jetty handler that never
 * blocks, like {@link PublishHandler}: the body is read as it arrives, then each line is published as a single
 * publish would be (token, channel tokens, limits, validation, {@code all}), and the answer says, line by line and
 * in order, what that publish came to. A bad line costs only itself. The writers the batch wakes run once it is
 * done, each once however many of its events it took ({@link WriterTurns}).
 */
final class BatchPublishHandler extends Handler.Abstract.NonBlocking {

    private static final HttpField NDJSON = new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, Protocol.NDJSON);

    private final Hub hub;
    private final Access access;
    private final Cors cors;
    private final long maxBatchBytes;
    private final Duration bodyDeadline;
    private final WriterTurns turns;
    private final Executor publishing;

    BatchPublishHandler(Hub hub, Access access, Cors cors, long maxBatchBytes, Duration bodyDeadline, WriterTurns turns,
            Executor publishing) {
        this.hub = hub;
        this.access = access;
        this.cors = cors;
        this.maxBatchBytes = maxBatchBytes;
        this.bodyDeadline = bodyDeadline;
        this.turns = turns;
        this.publishing = publishing;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (!HttpMethod.POST.is(request.getMethod()) || !ChannelPath.is(request, Protocol.PUBLISH_PATH)) {
            return false;
        }
        cors.headers().forEach(response.getHeaders()::put);
        String shown;
        try {
            shown = Access.headerToken(request.getHeaders().getValuesList(HttpHeader.AUTHORIZATION),
                    request.getHeaders().getValuesList(Protocol.AUTH_TOKEN));
            PublishHandler.requireMediaType(request, Protocol.NDJSON);
        } catch (ApiError refusal) {
            return BodyReader.refuse(request, response, callback, refusal, bodyDeadline);
        }
        // Whose limit of channels made the lines count against: its address, unless it shows the hub's token.
        String maker = access.isHubToken(shown) ? null : Request.getRemoteAddr(request);
        BodyReader.read(request, maxBatchBytes, "--max-batch-bytes", bodyDeadline, new BodyReader.Done() {
            @Override
            public void body(byte[] body) {
                publishing.execute(() -> answer(publishAll(body, shown, maker), response, callback));
            }

            @Override
            public void refused(ApiError refusal) {
                JsonErrors.answer(response, callback, refusal);
            }
        });
        return true;
    }

    /** Publishes every line, in order; the answer's lines. */
    private StringBuilder publishAll(byte[] body, String shown, String maker) {
        StringBuilder answer = new StringBuilder();
        turns.publish(() -> {
            int start = 0;
            while (start < body.length) {
                int end = start;
                while (end < body.length && body[end] != '\n') {
                    end++;
                }
                int length = end - start - (end > start && body[end - 1] == '\r' ? 1 : 0);
                answer.append(publishLine(body, start, length, shown, maker)).append('\n');
                start = end + 1;
            }
            return null;
        });
        return answer;
    }

    /** One line's publish, and the answer's line for it. */
    private String publishLine(byte[] body, int start, int length, String shown, String maker) {
        PublishBatch.Line line;
        try {
            String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(body, start, length)).toString();
            line = PublishBatch.readLine(text);
        } catch (CharacterCodingException notText) {
            return failed(List.of(), Map.of(), new ApiError(400, "the line is not UTF-8 text"));
        } catch (IllegalArgumentException unreadable) {
            return failed(List.of(), Map.of(), new ApiError(400, unreadable.getMessage()));
        }
        Map<String, String> ids = new LinkedHashMap<>();
        try {
            // Every channel is checked before any is published to: a line is refused whole.
            line.channels().forEach(channel -> access.requirePublish(shown, channel));
            for (String channel : line.channels()) {
                Event stored = hub.publish(channel, line.event(), maker);
                if (stored.id() != null && !channel.equals(ChannelName.ALL)) {
                    ids.put(channel, stored.id());
                }
            }
        } catch (RuntimeException e) {
            ApiError refusal = ApiError.of(e);
            return failed(line.channels(), ids, refusal != null ? refusal : new ApiError(500, "the hub failed to publish: " + e));
        }
        return PublishBatch.writeResult(new PublishBatch.Result(ids, 200, null), line.channels().size() > 1);
    }

    private static String failed(List<String> channels, Map<String, String> ids, ApiError refusal) {
        return PublishBatch.writeResult(new PublishBatch.Result(ids, refusal.status(), refusal.getMessage()), channels.size() > 1);
    }

    private static void answer(StringBuilder lines, Response response, Callback callback) {
        response.setStatus(200);
        response.getHeaders().put(NDJSON);
        response.write(true, ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8)), callback);
    }
}
