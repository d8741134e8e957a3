package dev.es.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzes the publish decoder: any body is either refused with an IllegalArgumentException (a 400) or read into
 * an event that survives writing and reading again, and whose frame an SSE parser reads back as the same
 * event. In CI this runs the kept corpus (src/test/resources/…/PublishBodyFuzzTestInputs); by hand, to search:
 * {@code JAZZER_FUZZ=1 tools/mvn -pl es-common test -Dtest=PublishBodyFuzzTest}.
 */
class PublishBodyFuzzTest {

    @FuzzTest(maxDuration = "5m")
    void anyBodyIsRefusedOrReadIntoAnEventThatRoundTrips(byte[] body) {
        Event event;
        try {
            event = PublishBody.read(body);
        } catch (IllegalArgumentException refused) {
            return;
        }
        assertEquals(event, PublishBody.read(PublishBody.write(event).getBytes(StandardCharsets.UTF_8)));
        List<String[]> parsed = new ArrayList<>();
        SseParser parser = new SseParser((lastEventId, type, data) -> parsed.add(new String[] {lastEventId, type, data}));
        parser.feed(SseFrames.encode(event));
        assertEquals(1, parsed.size(), "one frame, one event");
        assertEquals(event.data().replace("\r\n", "\n").replace('\r', '\n'), parsed.getFirst()[2]);
        assertEquals(event.event() == null ? "message" : event.event(), parsed.getFirst()[1]);
    }
}
