package dev.es.client.cli;

import dev.es.client.EsClient;
import dev.es.client.EventStream;
import dev.es.common.EsException;
import dev.es.common.Json;
import dev.es.common.JsonStreaming;
import dev.es.common.MergedStreamId;
import dev.es.common.Protocol;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code es subscribe CHANNEL}: prints events as they arrive, reconnecting as a browser would. */
@Command(
        name = "subscribe",
        sortOptions = false,
        description = {
            "Print a channel's events as they arrive.",
            "",
            "One flushed record per event. Reconnects like a browser's EventSource (honouring retry:, "
                    + "resuming with Last-Event-ID), so each event arrives once, in order. With --json, one object "
                    + "per line: {\"channel\",\"id\",\"event\",\"data\"}, every key present, null when absent; on a "
                    + "stream of several channels \"id\" is the event's own and \"streamId\" the stream's, to resume "
                    + "with --last-event-id. "
                    + "Several channels, or a prefix ('news-*'), are followed on one stream, and each event's data "
                    + "is printed after its channel's name and ': ' (as grep names the file), unless "
                    + "--no-channel-prefix. To print what a channel holds and exit: es history CHANNEL.",
            ""
        },
        footer = {
            "",
            "Examples:",
            "  es subscribe updates                     # each event's data",
            "  es subscribe updates --json | jq .data   # one JSON object per line",
            "  es subscribe updates -n 1 --timeout 30s  # wait for one event, at most 30 s",
            "  es subscribe updates --last-event-id 41  # what came after event 41, then live",
            "  es subscribe news weather --json         # two channels; each line names its channel",
            "  es subscribe 'news-*'                    # every channel that starts with news-",
            "",
            "Losing the stream is said in one line on stderr, and being back in another (each attempt too, on a",
            "terminal or with --verbose). A resume the hub cannot make exact (it no longer holds what came after",
            "the id) is said in one line",
            "on stderr (with --json, also a line {\"channel\",\"gap\":{\"lastEventId\",\"resumedAfter\"}}).",
            "",
            "Exit status: 0 after -n events or when the stream ends with --no-reconnect; 124 when --timeout",
            "passed with no event; 4 token refused; 5 hub unreachable; 6 a resume had a gap, with --no-gaps."
        })
public final class SubscribeCommand implements Callable<Integer> {

    /**
     * The largest event accepted by default: four times what a hub accepts by default, since a body of
     * newlines grows by a "data: " prefix per line on the wire.
     */
    static final long DEFAULT_MAX_EVENT_BYTES = 4 * Protocol.DEFAULT_MAX_EVENT_BYTES;

    @Spec
    CommandSpec spec;

    @Mixin
    EndpointOptions endpoint;

    @Parameters(
            arity = "1..*",
            paramLabel = "CHANNEL",
            description = "The channel to follow; several, or a prefix such as 'news-*', follow them all on one stream.")
    List<String> channels;

    @Mixin
    JsonOutput json;

    @Mixin
    EventFormat format;

    @Option(names = {"-n", "--count"}, paramLabel = "N", description = "Exit after N events.")
    Long count;

    @Option(names = "--timeout", paramLabel = "DURATION", description = "Exit after this long (status 124 if no event "
            + "came): 30s, 1m30s, 1.5s, 250ms; a bare number is seconds; 0 means no limit, as without it.")
    Duration timeout;

    @Option(names = "--last-event-id", paramLabel = "ID", description = "Resume after this event id.")
    String lastEventId;

    @Option(names = "--no-reconnect", description = "Exit when the hub ends the stream.")
    boolean noReconnect;

    @Option(names = "--no-gaps", description = "Exit with status 6 when a resume has a gap, so a script can refetch.")
    boolean noGaps;

    @Option(names = "--no-channel-prefix", description = "With several channels, print each event's data alone, "
            + "without the 'CHANNEL: ' before it (as grep -h).")
    boolean noChannelPrefix;

    @Option(names = "--max-event-bytes", paramLabel = "BYTES", description = "Largest event accepted (default: ${DEFAULT-VALUE}).")
    long maxEventBytes = DEFAULT_MAX_EVENT_BYTES;

    @Override
    public Integer call() throws InterruptedException {
        format.check(json.requested());
        if (count != null && count < 1) {
            throw new EsException(EsException.USAGE, "--count must be at least 1");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean showEveryAttempt = Terminals.stderrIsTerminal() || Verbosity.requested(spec.root().commandLine().getParseResult());
        AtomicBoolean lost = new AtomicBoolean();
        boolean named = !EsClient.followsOne(channels) && !noChannelPrefix;
        AtomicLong received = new AtomicLong();
        AtomicBoolean timedOut = new AtomicBoolean();
        AtomicBoolean gapped = new AtomicBoolean();
        EsClient client = new EsClient(endpoint.endpoint());
        EventStream stream = new EventStream(client, EsClient.streamPath(channels), !noReconnect, maxEventBytes);
        // | head -n 1 on a quiet channel: end when the reader goes, not at the next event.
        ReaderWatch.whenGone(stream::stop);
        Thread timer = timeout == null || timeout.isZero() ? null : Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(timeout);
                timedOut.set(true);
                stream.stop();
            } catch (InterruptedException cancelled) {
                // the stream ended first
            }
        });
        try {
            stream.run(lastEventId, new EventStream.Listener() {
                @Override
                public void onEvent(String id, String eventId, String type, String data) {
                    if (gapped.get()) {
                        return;
                    }
                    if (type.equals(Protocol.GAP_EVENT)) {
                        reportGap(data, out, err);
                        if (noGaps) {
                            gapped.set(true);
                            stream.stop();
                        }
                        return;
                    }
                    boolean merged = !EsClient.followsOne(channels);
                    boolean read = format.print(out, json.requested(), named,
                            new EventFormat.Printed(channelOf(id), eventId, type, data, merged ? id : null));
                    // A closed pipe (| head -1): nobody is reading any more, so stop quietly.
                    long seen = received.incrementAndGet();
                    if (!read || (count != null && seen >= count)) {
                        stream.stop();
                    }
                }

                @Override
                public void onConnected(URI url) {
                    if (lost.getAndSet(false)) {
                        status(err, "back: connected to " + url);
                    } else if (showEveryAttempt) {
                        status(err, "connected to " + url);
                    }
                }

                @Override
                public void onLost(Duration wait) {
                    // Once per loss, whoever reads stderr; each attempt only for a person or with --verbose.
                    if (!lost.getAndSet(true)) {
                        status(err, "lost the stream; reconnecting (first attempt in " + seconds(wait) + ")");
                    } else if (showEveryAttempt) {
                        status(err, "reconnecting in " + seconds(wait));
                    }
                }
            });
        } finally {
            if (timer != null) {
                timer.interrupt();
            }
        }
        if (gapped.get()) {
            return EsException.GAP;
        }
        return timedOut.get() && received.get() == 0 ? EsException.TIMEOUT : 0;
    }

    private static void status(PrintWriter err, String line) {
        err.println("es: " + line);
        err.flush();
    }

    private static String seconds(Duration wait) {
        return String.format(Locale.ROOT, "%.1f s", wait.toMillis() / 1000.0);
    }

    /**
     * Says on stderr, and with --json in a line of its own, that a resume has a gap. The line on stderr is read
     * with jackson-core alone: the object mapper's start would double {@code es subscribe -n 1}'s time.
     */
    private void reportGap(String data, PrintWriter out, PrintWriter err) {
        String channel = JsonStreaming.topLevelString(data, "channel");
        String name = channel != null ? channel : String.join(", ", channels);
        String after = JsonStreaming.topLevelString(data, "resumedAfter");
        err.println("es: " + name + ": resumed after " + JsonStreaming.topLevelString(data, "lastEventId")
                + (after == null
                        ? ", which the hub does not hold: what came between it and the oldest event it replays may be gone"
                        : ", but the hub no longer holds what came between it and " + after));
        err.flush();
        if (json.requested()) {
            Map<String, Object> gap = Json.read(data);
            gap.remove("channel");
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("channel", name);
            record.put("gap", gap);
            format.printRecord(out, Json.write(record));
        }
    }

    /** The event's channel: the one followed, or, on a merged stream, the one its id names (c=CHANNEL&…). */
    private String channelOf(String id) {
        return EsClient.followsOne(channels) ? channels.getFirst() : MergedStreamId.channel(id);
    }
}
