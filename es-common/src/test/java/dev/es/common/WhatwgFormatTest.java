package dev.es.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The cases of the web-platform-tests {@code eventsource/format-*} suite, as wire text and the events a
 * conforming EventSource dispatches for it (written from the standard, each named after its wpt file).
 */
class WhatwgFormatTest {

    private static final String LONG = "x".repeat(2048);

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("format-bom", "\uFEFFdata:1\n\n\uFEFFdata:2\n\ndata:3\n\n", List.of("|message|1", "|message|3")),
                Arguments.of("format-bom-2", "\uFEFF\uFEFFdata:1\n\ndata:2\n\ndata:3\n\n", List.of("|message|2", "|message|3")),
                Arguments.of("format-comments",
                        "data:1\r:\0\n:\r\ndata:2\n:" + LONG + "\rdata:3\n:data:fail\r:" + LONG + "\ndata:4\n\n",
                        List.of("|message|1\n2\n3\n4")),
                Arguments.of("format-data-before-final-empty-line", "retry:1000\ndata:test1\n\nid:test\ndata:test2",
                        List.of("retry 1000", "|message|test1")),
                Arguments.of("format-field-data", "data:\n\ndata\ndata\n\ndata:test", List.of("|message|", "|message|\n")),
                Arguments.of("format-field-event", "event:test\ndata:x\n\ndata:x\n\n", List.of("|test|x", "|message|x")),
                Arguments.of("format-field-event-empty", "event: \ndata:data\n\n", List.of("|message|data")),
                Arguments.of("format-field-id", "id:1\ndata:a\n\nid:\ndata:b\n\n", List.of("1|message|a", "|message|b")),
                Arguments.of("format-field-id-2", "id:1\n\ndata:x\n\n", List.of("1|message|x")),
                Arguments.of("format-field-id-3", "id:1\ndata:a\n\nid\ndata:b\n\n", List.of("1|message|a", "|message|b")),
                Arguments.of("format-field-id-null", "id:1\ndata:a\n\nid:2\0\ndata:b\n\n", List.of("1|message|a", "1|message|b")),
                Arguments.of("format-field-parsing",
                        "data:\0\ndata:  2\rData:1\ndata\0:2\ndata:1\r\0data:4\nda-ta:3\rdata_5\ndata:3\rdata:\r\n data:32\ndata:4\n\n",
                        List.of("|message|\0\n 2\n1\n3\n\n4")),
                Arguments.of("format-field-retry", "retry:03000\ndata:x\n\n", List.of("retry 3000", "|message|x")),
                Arguments.of("format-field-retry-bogus", "retry:3000\nretry:1000x\ndata:x\n\n", List.of("retry 3000", "|message|x")),
                Arguments.of("format-field-retry-empty", "retry\ndata:test\n\n", List.of("|message|test")),
                Arguments.of("format-field-unknown",
                        "data:test\n data\ndata\nfoobar:xxx\njustsometext\n:thisisacommentyay\ndata:test\n\n",
                        List.of("|message|test\n\ntest")),
                Arguments.of("format-leading-space", "data:\ttest\rdata: \ndata:test\n\n", List.of("|message|\ttest\n\ntest")),
                Arguments.of("format-newlines", "data:test\r\ndata\ndata:test\r\n\r\n", List.of("|message|test\n\ntest")),
                Arguments.of("format-null-character", "data:\0\n\n\n\n", List.of("|message|\0")),
                Arguments.of("format-utf-8", "data:ok\u2026 \u00e9\u4e2d\n\n", List.of("|message|ok\u2026 \u00e9\u4e2d")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void dispatchesWhatTheStandardDispatches(String name, String wire, List<String> expected) {
        byte[] bytes = wire.getBytes(StandardCharsets.UTF_8);
        for (int chunk : new int[] {bytes.length, 1, 7}) {
            List<String> heard = new ArrayList<>();
            SseParser parser = new SseParser(new SseParser.Listener() {
                @Override
                public void onEvent(String lastEventId, String type, String data) {
                    heard.add(lastEventId + "|" + type + "|" + data);
                }

                @Override
                public void onRetry(long millis) {
                    heard.add("retry " + millis);
                }
            });
            for (int at = 0; at < bytes.length; at += chunk) {
                parser.feed(bytes, at, Math.min(chunk, bytes.length - at));
            }
            assertEquals(expected, heard, name + " fed in chunks of " + chunk);
        }
    }

    @ParameterizedTest(name = "invalid UTF-8 becomes U+FFFD")
    @MethodSource("invalidUtf8")
    void invalidUtf8IsReplacedNotFatal(byte[] wire) {
        List<String> heard = new ArrayList<>();
        new SseParser((id, type, data) -> heard.add(data)).feed(wire);
        assertEquals(List.of("a\uFFFDb"), heard);
    }

    static Stream<byte[]> invalidUtf8() {
        return Stream.of(new byte[] {'d', 'a', 't', 'a', ':', 'a', (byte) 0xFF, 'b', '\n', '\n'});
    }
}
