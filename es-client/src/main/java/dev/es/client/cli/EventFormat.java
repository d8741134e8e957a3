package dev.es.client.cli;

import dev.es.common.EsException;
import dev.es.common.Event;
import dev.es.common.Json;
import dev.es.common.SseFrames;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * How {@code es subscribe} and {@code es history} print events, one flushed record each: the data, one JSON
 * object ({@code --json}), or an event-stream frame ({@code --sse}), ended by a newline or a NUL ({@code -0}).
 */
public final class EventFormat {

    @Option(names = "--sse", description = "The events as event-stream frames.")
    boolean sse;

    @Option(names = "-0", description = "End each record with NUL instead of a newline (for xargs -0). An event "
            + "whose record would hold a NUL ends the command (exit 1) instead: --json escapes it.")
    boolean nul;

    /** @throws EsException (usage) when --json and --sse are both given */
    void check(boolean json) {
        if (json && sse) {
            throw new EsException(EsException.USAGE, "--json and --sse both given: choose one");
        }
    }

    /**
     * An event as printed.
     *
     * @param id the event's own id, or null
     * @param streamId on a stream of several channels, the stream's id after it (to resume from), else null
     */
    record Printed(String channel, String id, String type, String data, String streamId) {}

    /**
     * Prints one event of a channel.
     *
     * @param named whether plain output starts with {@code CHANNEL: }, as grep names the file when given several
     * @return false once nobody reads what is printed (a closed pipe: | head -1)
     * @throws EsException with -0, for an event whose record would hold a NUL: it would read as two records
     */
    boolean print(PrintWriter out, boolean json, boolean named, Printed event) {
        String channel = event.channel();
        String data = event.data();
        String eventId = event.id() == null || event.id().isEmpty() ? null : event.id();
        String eventType = event.type() == null || event.type().equals("message") ? null : event.type();
        String record;
        if (json) {
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("channel", channel);
            fields.put("id", eventId);
            fields.put("event", eventType);
            fields.put("data", data);
            if (event.streamId() != null) {
                fields.put("streamId", event.streamId());
            }
            record = Json.write(fields);
        } else if (sse) {
            String frame = new String(SseFrames.encode(new Event(eventId, eventType, data, null)), StandardCharsets.UTF_8);
            // The frame's closing blank line is the record separator printed after it.
            record = frame.substring(0, frame.length() - 1);
        } else {
            record = named ? channel + ": " + data : data;
        }
        if (nul && record.indexOf('\0') >= 0) {
            throw new EsException(EsException.FAILURE, channel + ": event " + (eventId == null ? "without an id" : eventId)
                    + " holds a NUL, which -0 cannot print as one record (--json prints it escaped)");
        }
        return printRecord(out, record);
    }

    /** Prints a record that is not an event (a JSON line of its own), ended as events are. */
    boolean printRecord(PrintWriter out, String record) {
        out.print(record);
        out.print(nul ? '\0' : '\n');
        out.flush();
        return !out.checkError();
    }
}
