package dev.es.common;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A channel as the hub's JSON listing ({@link Protocol#CHANNELS_PATH}) shows it: written by the server, read by
 * the client.
 *
 * @param events events published to it, or -1 when the hub does not say (it answers HEAD only)
 * @param lastEventAt when the last one was (ISO-8601), or null
 */
public record ChannelStatus(String name, int consumers, long events, String lastEventAt) {

    /**
     * The hub's listing, a JSON array of channels, read with jackson-core alone: {@code es channels} would otherwise
     * spend more on starting the object mapper than on its request. Fields it does not know are passed over.
     *
     * @throws IllegalArgumentException when the text is not such a listing
     */
    public static List<ChannelStatus> readListing(String json) {
        try (JsonParser parser = JsonStreaming.FACTORY.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new IllegalArgumentException("not a JSON array");
            }
            List<ChannelStatus> channels = new ArrayList<>();
            while (parser.nextToken() == JsonToken.START_OBJECT) {
                channels.add(readChannel(parser));
            }
            if (parser.currentToken() != JsonToken.END_ARRAY || parser.nextToken() != null) {
                throw new IllegalArgumentException("not an array of channels");
            }
            return channels;
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static ChannelStatus readChannel(JsonParser parser) throws IOException {
        String name = null;
        int consumers = 0;
        long events = -1;
        String lastEventAt = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if (value.isStructStart()) {
                // Not what any field of a channel holds: passed over whole, whatever its name.
                parser.skipChildren();
                continue;
            }
            switch (field) {
                case "name" -> name = parser.getValueAsString();
                case "consumers" -> consumers = parser.getIntValue();
                case "events" -> events = parser.getLongValue();
                case "lastEventAt" -> lastEventAt = value == JsonToken.VALUE_NULL ? null : parser.getValueAsString();
                default -> parser.skipChildren();
            }
        }
        if (name == null) {
            throw new IllegalArgumentException("a channel without a name");
        }
        return new ChannelStatus(name, consumers, events, lastEventAt);
    }
}
