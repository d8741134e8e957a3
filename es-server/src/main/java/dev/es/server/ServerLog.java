package dev.es.server;

import dev.es.common.Json;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What es serve tells its operator, a line each: its start, its stop, what went wrong, and, when asked, every
 * request. As text for people ({@code es serve: …}), or as one JSON object per line for machines.
 */
public final class ServerLog {

    /** How lines are written. */
    public enum Format {
        TEXT,
        JSON
    }

    private final PrintWriter out;
    private final Format format;

    public ServerLog(PrintWriter out, Format format) {
        this.out = out;
        this.format = format;
    }

    /** Text lines on standard error: for programs that embed the hub and say nothing else. */
    public static ServerLog standardError() {
        return new ServerLog(new PrintWriter(System.err, true), Format.TEXT);
    }

    /**
     * Something an operator wants to know happened (a start, a stop, a reconnection).
     *
     * @param event a short name for machines: start, stop, redis…
     * @param fields more for machines; the text line shows the message only
     */
    public void info(String event, String message, Map<String, Object> fields) {
        write("info", event, message, fields);
    }

    /** Something went wrong that the server lives through. */
    public void warn(String event, String message) {
        write("warn", event, message, Map.of());
    }

    /** One request, once answered (a stream, once it ended): no query string, where tokens may be. */
    public void access(String method, String path, int status, long bytes, long millis, String remote) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("method", method);
        fields.put("path", path);
        fields.put("status", status);
        fields.put("bytes", bytes);
        fields.put("millis", millis);
        fields.put("remote", remote);
        write("info", "access", String.format(Locale.ROOT, "%s %s %s %d %d B %d ms", remote, method, path, status,
                bytes, millis), fields);
    }

    private void write(String level, String event, String message, Map<String, Object> fields) {
        String line;
        if (format == Format.JSON) {
            Map<String, Object> object = new LinkedHashMap<>();
            object.put("time", Instant.now().toString());
            object.put("level", level);
            object.put("event", event);
            object.put("message", message);
            object.putAll(fields);
            line = Json.write(object);
        } else {
            // A request's line says when, as an access log's does; the others are read as they come.
            line = "es serve: " + (level.equals("warn") ? "warning: " : "") + (event.equals("access") ? Instant.now() + " " : "")
                    + message;
        }
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }
}
