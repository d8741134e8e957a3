package dev.es.common;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A batch publish: {@code POST /_es/v1/publish}, newline-delimited JSON, one event a line, to one channel
 * ({@code {"channel": "c", "data": …}}) or several ({@code {"channels": ["u1", "u2"], "data": …}}), with the same
 * fields as a single publish. The answer has one line per line, in order: what that line's publish would have
 * answered alone ({@link Result}).
 */
public final class PublishBatch {

    private PublishBatch() {}

    /** One line: the channels it goes to, and its event. */
    public record Line(List<String> channels, Event event) {
        public Line {
            channels = List.copyOf(channels);
        }
    }

    /**
     * What one line's publish came to: the ids its event was stored with, by channel (none for {@code all}, whose
     * channels each number it), and, when it failed, the status and error it would have had alone (after the
     * channels it reached, for a line of several).
     */
    public record Result(Map<String, String> ids, int status, String error) {
        public Result {
            // In the line's order of channels.
            ids = Collections.unmodifiableMap(new LinkedHashMap<>(ids));
        }

        public boolean failed() {
            return error != null;
        }
    }

    /**
     * Reads one line of a batch.
     *
     * @throws IllegalArgumentException naming what is wrong: not a JSON object, no channel or both forms, or an
     *     event that a single publish would refuse
     */
    public static Line readLine(String json) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("malformed JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("a line must be a JSON object with \"channel\" (or \"channels\") and \"data\"");
        }
        JsonNode one = root.get("channel");
        JsonNode several = root.get("channels");
        List<String> channels = new ArrayList<>();
        if (one != null && several == null && one.isTextual()) {
            channels.add(one.textValue());
        } else if (one == null && several != null && several.isArray() && !several.isEmpty()) {
            for (JsonNode channel : several) {
                if (!channel.isTextual()) {
                    throw new IllegalArgumentException("\"channels\" must be a list of channel names");
                }
                channels.add(channel.textValue());
            }
        } else {
            throw new IllegalArgumentException("a line names its channel: \"channel\": \"c\", or \"channels\": [\"c1\", \"c2\"]");
        }
        return new Line(channels, PublishBody.read(root));
    }

    /** Writes a line that {@link #readLine} reads back. */
    public static String writeLine(Line line) {
        StringWriter text = new StringWriter();
        try (JsonGenerator json = JsonStreaming.FACTORY.createGenerator(text)) {
            json.writeStartObject();
            if (line.channels().size() == 1) {
                json.writeStringField("channel", line.channels().getFirst());
            } else {
                json.writeArrayFieldStart("channels");
                for (String channel : line.channels()) {
                    json.writeString(channel);
                }
                json.writeEndArray();
            }
            PublishBody.writeFields(line.event(), json);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to a string cannot fail", e);
        }
        return text.toString();
    }

    /** The answer's line for a result: {@code {"id"}} for one channel, {@code {"ids": {…}}} for several. */
    public static String writeResult(Result result, boolean severalChannels) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        if (severalChannels) {
            if (!result.ids().isEmpty() || !result.failed()) {
                ObjectNode ids = node.putObject("ids");
                result.ids().forEach(ids::put);
            }
        } else if (!result.ids().isEmpty()) {
            node.put("id", result.ids().values().iterator().next());
        }
        if (result.failed()) {
            node.put("status", result.status());
            node.put("error", result.error());
        }
        return node.toString();
    }

    /**
     * Reads an answer's line back.
     *
     * @param channels the channels of the line it answers
     */
    public static Result readResult(String json, List<String> channels) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the hub's answer is not JSON: " + e.getOriginalMessage());
        }
        Map<String, String> ids = new LinkedHashMap<>();
        if (node.hasNonNull("id")) {
            ids.put(channels.getFirst(), node.get("id").asText());
        }
        if (node.has("ids")) {
            node.get("ids").properties().forEach(entry -> ids.put(entry.getKey(), entry.getValue().asText()));
        }
        return new Result(ids, node.path("status").asInt(200), node.hasNonNull("error") ? node.get("error").asText() : null);
    }
}
