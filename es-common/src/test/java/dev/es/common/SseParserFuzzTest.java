package dev.es.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzzes the SSE parser: any bytes, fed whole or in two pieces split anywhere, give the same events, and
 * nothing is thrown but the size limit's own exception. In CI this runs the kept corpus; by hand:
 * {@code JAZZER_FUZZ=1 tools/mvn -pl es-common test -Dtest=SseParserFuzzTest}.
 */
class SseParserFuzzTest {

    @FuzzTest(maxDuration = "5m")
    void anyBytesParseTheSameWholeOrSplit(byte[] stream) {
        List<String> whole = parse(stream, stream.length);
        for (int split : new int[] {0, stream.length / 2, Math.max(0, stream.length - 1)}) {
            assertEquals(whole, parse(stream, split), "split at " + split);
        }
    }

    private static List<String> parse(byte[] stream, int split) {
        List<String> events = new ArrayList<>();
        SseParser parser = new SseParser((lastEventId, type, data) -> events.add(lastEventId + "|" + type + "|" + data),
                1 << 20);
        try {
            parser.feed(Arrays.copyOfRange(stream, 0, split));
            parser.feed(Arrays.copyOfRange(stream, split, stream.length));
        } catch (SseParser.EventTooLargeException tooLarge) {
            events.add("too large");
        }
        return events;
    }
}
