package dev.es.common;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * The JSON body of a publish, {@code {"id": …, "event": …, "data": …, "retry": …}}, read strictly: the seed
 * server answers 201 to a body it cannot read and drops the event, we name what is wrong.
 */
public final class PublishBody {

    private PublishBody() {}

    /**
     * Reads a publish body.
     *
     * @throws IllegalArgumentException with a message for the publisher when the body is not valid JSON, not an
     *     object, lacks a string {@code data}, has fields of the wrong type, or CR/LF in {@code id}/{@code event}
     *     (whether its id may be published is the hub's to say: {@link Event#idProblem})
     */
    public static Event read(byte[] json) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable body: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the body must be a JSON object with a string \"data\"");
        }
        return read(root);
    }

    /** Reads the event of a JSON object (fields other than the event's are left to the caller), as {@link #read(byte[])}. */
    static Event read(JsonNode root) {
        JsonNode data = root.get("data");
        if (data == null || !data.isTextual()) {
            throw new IllegalArgumentException("\"data\" is required and must be a string");
        }
        Event event = new Event(id(root.get("id")), optionalText(root, "event"), data.textValue(), retry(root.get("retry")));
        requireUnicode("data", event.data());
        requireUnicode("id", event.id());
        requireUnicode("event", event.event());
        return event;
    }

    /**
     * JSON escapes can spell half of a surrogate pair, which no UTF-8 stream can carry: subscribers would get a
     * '?' instead (found by PublishBodyFuzzTest), so such a field is refused rather than altered.
     */
    private static void requireUnicode(String field, String value) {
        if (value != null && !Event.isUnicode(value)) {
            throw new IllegalArgumentException("\"" + field + "\" holds half of a surrogate pair, which is not Unicode text");
        }
    }

    /** Writes the body that {@link #read} reads back as the same event. */
    public static String write(Event event) {
        StringWriter text = new StringWriter();
        try (JsonGenerator json = JsonStreaming.FACTORY.createGenerator(text)) {
            json.writeStartObject();
            writeFields(event, json);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to a string cannot fail", e);
        }
        return text.toString();
    }

    /** Writes the event's fields into the object being written: the body, or a batch's line. */
    static void writeFields(Event event, JsonGenerator json) throws IOException {
        if (event.id() != null) {
            json.writeStringField("id", event.id());
        }
        if (event.event() != null) {
            json.writeStringField("event", event.event());
        }
        json.writeStringField("data", event.data());
        if (event.retry() != null) {
            json.writeNumberField("retry", event.retry());
        }
    }

    /** The seed takes a number; clients of other hubs send strings. Both are kept as their text. */
    private static String id(JsonNode id) {
        if (id == null || id.isNull()) {
            return null;
        }
        if (id.getNodeType() == JsonNodeType.NUMBER) {
            // Exact (the mapper reads decimals as BigDecimal) and plain: 1e3 is "1000", never "1000.0".
            return id.isIntegralNumber() ? id.bigIntegerValue().toString() : id.decimalValue().toPlainString();
        }
        if (id.isTextual()) {
            return id.textValue().isEmpty() ? null : id.textValue();
        }
        throw new IllegalArgumentException("\"id\" must be a string or a number");
    }

    private static String optionalText(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new IllegalArgumentException("\"" + field + "\" must be a string");
        }
        return node.textValue().isEmpty() ? null : node.textValue();
    }

    private static Long retry(JsonNode retry) {
        if (retry == null || retry.isNull()) {
            return null;
        }
        if (!retry.canConvertToLong() || !retry.isIntegralNumber() || retry.longValue() < 0) {
            throw new IllegalArgumentException("\"retry\" must be a non-negative integer of milliseconds");
        }
        return retry.longValue();
    }
}
