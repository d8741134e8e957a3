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

    @Option(names = "-0", description = "End each record with NUL instead of a newline (for xargs -0).")
    boolean nul;

    /** @throws EsException (usage) when --json and --sse are both given */
    void check(boolean json) {
        if (json && sse) {
            throw new EsException(EsException.USAGE, "--json and --sse both given: choose one");
        }
    }

    /**
     * Prints one event of a channel.
     *
     * @return false once nobody reads what is printed (a closed pipe: | head -1)
     */
    boolean print(PrintWriter out, boolean json, String channel, String id, String type, String data) {
        String eventId = id == null || id.isEmpty() ? null : id;
        String eventType = type == null || type.equals("message") ? null : type;
        if (json) {
            Map<String, String> record = new LinkedHashMap<>();
            record.put("channel", channel);
            record.put("id", eventId);
            record.put("event", eventType);
            record.put("data", data);
            out.print(Json.write(record));
        } else if (sse) {
            String frame = new String(SseFrames.encode(new Event(eventId, eventType, data, null)), StandardCharsets.UTF_8);
            // The frame's closing blank line is the record separator printed after it.
            out.print(frame.substring(0, frame.length() - 1));
        } else {
            out.print(data);
        }
        return end(out);
    }

    /** Prints a record that is not an event (a JSON line of its own), ended as events are. */
    boolean printRecord(PrintWriter out, String record) {
        out.print(record);
        return end(out);
    }

    private boolean end(PrintWriter out) {
        out.print(nul ? '\0' : '\n');
        out.flush();
        return !out.checkError();
    }
}
