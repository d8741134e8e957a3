package dev.es.server.http;

import dev.es.common.ChannelName;
import dev.es.common.Event;
import dev.es.common.Protocol;
import dev.es.common.PublishBatch;
import dev.es.server.hub.Hub;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * done, each once however many of its events it took ({@link WriterTurns}). With --data the lines are handed to
 * the store in order, {@link #MAX_IN_FLIGHT} at a time, and the batch is answered once the last is delivered:
 * they share commits.
 */
final class BatchPublishHandler extends Handler.Abstract.NonBlocking {

    private static final HttpField NDJSON = new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, Protocol.NDJSON);
    /**
     * Threads one batch publishes on at most, where publishes wait for Redis: enough for many to wait at once, few
     * enough that a batch of many channels does not hold a thread (and its stack) for each.
     */
    private static final int MAX_THREADS = 256;
    /**
     * Publishes one batch has waiting for their commits at most (with --data): enough to fill a commit, few enough
     * that a batch of many small lines (or lines to {@code all}) does not hold the store's queue.
     */
    private static final int MAX_IN_FLIGHT = 4096;

    private final Publishing shared;
    private final long maxBatchBytes;

    BatchPublishHandler(Publishing shared, long maxBatchBytes) {
        this.shared = shared;
        this.maxBatchBytes = maxBatchBytes;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (!HttpMethod.POST.is(request.getMethod()) || !ChannelPath.is(request, Protocol.PUBLISH_PATH)) {
            return false;
        }
        shared.cors().headers().forEach(response.getHeaders()::put);
        String shown;
        try {
            shown = Access.headerToken(request.getHeaders().getValuesList(HttpHeader.AUTHORIZATION),
                    request.getHeaders().getValuesList(Protocol.AUTH_TOKEN));
            PublishHandler.requireMediaType(request, Protocol.NDJSON);
        } catch (ApiError refusal) {
            return BodyReader.refuse(request, response, callback, refusal, shared.bodyDeadline());
        }
        // Whose limit of channels made the lines count against: its address, unless it shows the hub's token.
        String maker = shared.access().isHubToken(shown) ? null : Request.getRemoteAddr(request);
        BodyReader.read(request, maxBatchBytes, "--max-batch-bytes", shared.bodyDeadline(), new BodyReader.Done() {
            @Override
            public void body(byte[] body) {
                // Its lines may go to any channel, so it may wait as a publish to all would.
                shared.runnerFor(ChannelName.ALL).execute(() -> answer(publishAll(body, shown, maker), response, callback));
            }

            @Override
            public void refused(ApiError refusal) {
                JsonErrors.answer(response, callback, refusal);
            }
        });
        return true;
    }

    /**
     * Publishes every line, and answers each in order, once every line is delivered. Where a publish waits for
     * Redis, the lines of different channels are published each channel on a thread of its own, in order within
     * the channel, so that they wait together rather than one after another; a line to {@code all} is published
     * alone, after the lines before it and before those after it. With --data the lines are handed to the store
     * in order, and this waits whenever {@link #MAX_IN_FLIGHT} are in its hands, or a line went to {@code all}.
     */
    private StringBuilder publishAll(byte[] body, String shown, String maker) {
        List<Line> lines = new ArrayList<>();
        int start = 0;
        while (start < body.length) {
            int end = start;
            while (end < body.length && body[end] != '\n') {
                end++;
            }
            int length = end - start - (end > start && body[end - 1] == '\r' ? 1 : 0);
            lines.add(readLine(body, start, length, shown));
            start = end + 1;
        }
        shared.turns().publish(() -> {
            if (shared.waitsForRedis()) {
                publishByChannel(lines, maker);
            } else {
                publishInOrder(lines, maker);
            }
            return null;
        });
        StringBuilder answer = new StringBuilder();
        lines.forEach(line -> answer.append(line.answer()).append('\n'));
        return answer;
    }

    /** Publishes the lines in order, waiting for those still on their way to the store a window at a time. */
    private void publishInOrder(List<Line> lines, String maker) {
        List<CompletableFuture<?>> inFlight = new ArrayList<>();
        for (Line line : lines) {
            inFlight.addAll(line.publishTo(line.channels(), shared.hub(), maker));
            if (inFlight.size() >= MAX_IN_FLIGHT || line.channels().contains(ChannelName.ALL)) {
                CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).join();
                inFlight.clear();
            }
        }
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).join();
    }

    /** Publishes each channel's lines on a virtual thread of their own, a line to {@code all} alone between them. */
    private void publishByChannel(List<Line> lines, String maker) {
        Map<String, List<Line>> byChannel = new LinkedHashMap<>();
        for (Line line : lines) {
            if (line.channels().contains(ChannelName.ALL)) {
                publishTogether(byChannel, maker);
                line.publishTo(line.channels(), shared.hub(), maker);
            } else {
                line.channels().forEach(channel -> byChannel.computeIfAbsent(channel, c -> new ArrayList<>()).add(line));
            }
        }
        publishTogether(byChannel, maker);
    }

    /**
     * Publishes the channels' lines on at most {@link #MAX_THREADS} virtual threads, each taking one channel's
     * lines after another; returns when all are published.
     */
    private void publishTogether(Map<String, List<Line>> byChannel, String maker) {
        Queue<Map.Entry<String, List<Line>>> channels = new ConcurrentLinkedQueue<>(byChannel.entrySet());
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < Math.min(MAX_THREADS, byChannel.size()); i++) {
                threads.execute(() -> {
                    for (var next = channels.poll(); next != null; next = channels.poll()) {
                        String channel = next.getKey();
                        next.getValue().forEach(line -> line.publishTo(List.of(channel), shared.hub(), maker));
                    }
                });
            }
        }
        byChannel.clear();
    }

    /** A line read and checked: refused whole (the answer's line says why), or to publish to its channels. */
    private Line readLine(byte[] body, int start, int length, String shown) {
        PublishBatch.Line line;
        try {
            String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(body, start, length)).toString();
            line = PublishBatch.readLine(text);
        } catch (CharacterCodingException notText) {
            return Line.refused(new ApiError(400, "the line is not UTF-8 text"));
        } catch (IllegalArgumentException unreadable) {
            return Line.refused(new ApiError(400, unreadable.getMessage()));
        }
        try {
            // Every channel is checked before any is published to: a line is refused whole.
            line.channels().forEach(channel -> shared.access().requirePublish(shown, channel));
        } catch (ApiError refusal) {
            return Line.refused(line.channels(), refusal);
        }
        return new Line(line.channels(), line.event(), null);
    }

    /**
     * One line of the batch: its channels and event, the ids its channels gave it, and the first refusal; each
     * channel is published to whatever another refused.
     */
    private static final class Line {
        private final List<String> channels;
        private final Event event;
        private final Map<String, String> ids = new ConcurrentHashMap<>();
        private volatile ApiError refusal;

        Line(List<String> channels, Event event, ApiError refusal) {
            this.channels = channels;
            this.event = event;
            this.refusal = refusal;
        }

        static Line refused(ApiError refusal) {
            return refused(List.of(), refusal);
        }

        static Line refused(List<String> channels, ApiError refusal) {
            return new Line(channels, null, refusal);
        }

        List<String> channels() {
            return event == null ? List.of() : channels;
        }

        /**
         * Publishes the event to each target, recording its id or the first refusal as each is delivered.
         *
         * @return what is delivered only later (with --data, once durable)
         */
        List<CompletableFuture<?>> publishTo(List<String> targets, Hub hub, String maker) {
            List<CompletableFuture<?>> later = new ArrayList<>(0);
            for (String channel : targets) {
                try {
                    // Recorded whatever happens (a stage that always completes normally), so the wait ends.
                    CompletableFuture<Void> recorded = hub.publishAsync(channel, event, maker).handle((accepted, failure) -> {
                        if (failure != null) {
                            refuse(Hub.failureOf(failure));
                        } else if (accepted.id() != null && !channel.equals(ChannelName.ALL)) {
                            ids.put(channel, accepted.id());
                        }
                        return null;
                    });
                    if (!recorded.isDone()) {
                        later.add(recorded);
                    }
                } catch (RuntimeException e) {
                    refuse(e);
                }
            }
            return later;
        }

        private synchronized void refuse(RuntimeException e) {
            ApiError failure = ApiError.of(e);
            if (refusal == null) {
                refusal = failure != null ? failure : new ApiError(500, "the hub failed to publish: " + e);
            }
        }

        /** The answer's line: the ids, in the line's order of channels, and the refusal if any. */
        String answer() {
            Map<String, String> ordered = new LinkedHashMap<>();
            channels.stream().filter(ids::containsKey).forEach(channel -> ordered.put(channel, ids.get(channel)));
            return PublishBatch.writeResult(new PublishBatch.Result(ordered, refusal == null ? 200 : refusal.status(),
                    refusal == null ? null : refusal.getMessage()), channels.size() > 1);
        }
    }

    private static void answer(StringBuilder lines, Response response, Callback callback) {
        response.setStatus(200);
        response.getHeaders().put(NDJSON);
        response.write(true, ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8)), callback);
    }
}
