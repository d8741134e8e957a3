package dev.es.common;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * JSON for the client's one-request commands, on jackson-core alone: it starts in a fraction of the time
 * {@link Json}'s object mapper takes to build, which a command like {@code es publish} would feel.
 */
public final class JsonStreaming {

    public static final JsonFactory FACTORY = new JsonFactory();

    private JsonStreaming() {}

    /**
     * The value of a top-level string field of a JSON object, read without the object mapper; null when the
     * text is not an object or has no such string field.
     */
    public static String topLevelString(String json, String field) {
        if (json == null || json.isBlank()) {
            return null;
        }
        try (JsonParser parser = FACTORY.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (name.equals(field) && value == JsonToken.VALUE_STRING) {
                    return parser.getText();
                }
                parser.skipChildren();
            }
            return null;
        } catch (IOException notJson) {
            return null;
        }
    }
}
