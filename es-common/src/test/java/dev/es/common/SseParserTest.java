package dev.es.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The parser on literal wire text, fed whole and byte by byte: both must give the same events. */
class SseParserTest {

    /** What the listener heard, as one readable line per callback. */
    private static List<String> parse(String wire) {
        List<String> whole = parse(wire.getBytes(StandardCharsets.UTF_8), Integer.MAX_VALUE);
        List<String> byteByByte = parse(wire.getBytes(StandardCharsets.UTF_8), 1);
        assertEquals(whole, byteByByte, "chunking must not change the result");
        return whole;
    }

    private static List<String> parse(byte[] wire, int chunk) {
        List<String> heard = new ArrayList<>();
        SseParser parser = new SseParser(new SseParser.Listener() {
            @Override
            public void onEvent(String lastEventId, String type, String data) {
                heard.add("event id=" + lastEventId + " type=" + type + " data=" + data);
            }

            @Override
            public void onRetry(long millis) {
                heard.add("retry " + millis);
            }

            @Override
            public void onComment(String text) {
                heard.add("comment" + text);
            }
        });
        for (int at = 0; at < wire.length; at += chunk) {
            parser.feed(wire, at, Math.min(chunk, wire.length - at));
        }
        return heard;
    }

    @ParameterizedTest
    @ValueSource(strings = {"\n", "\r", "\r\n"})
    void everyLineEndingEndsLinesAndABlankLineDispatches(String eol) {
        String wire = "id: 1" + eol + "event: e" + eol + "data: a" + eol + "data: b" + eol + eol + "data: c" + eol + eol;
        assertEquals(List.of("event id=1 type=e data=a\nb", "event id=1 type=message data=c"), parse(wire));
    }

    @Test
    void anEventIsDispatchedOnlyOnABlankLineNeverAtTheEndOfInput() {
        assertEquals(List.of(), parse("data: unfinished\n"));
        assertEquals(List.of(), parse("data: unfinished"));
    }

    @Test
    void oneLeadingByteOrderMarkIsSkippedAndASecondIsPartOfTheFieldName() {
        assertEquals(List.of("event id= type=message data=1", "event id= type=message data=3"),
                parse("\uFEFFdata:1\n\n\uFEFFdata:2\n\ndata:3\n\n"));
        assertEquals(List.of("event id= type=message data=2"), parse("\uFEFF\uFEFFdata:1\n\ndata:2\n\n"));
    }

    @Test
    void onlyOneSpaceAfterTheColonIsRemovedAndAFieldWithoutColonHasAnEmptyValue() {
        assertEquals(List.of("event id= type=message data= two spaces", "event id= type=message data="),
                parse("data:  two spaces\n\ndata\n\n"));
    }

    @Test
    void commentsAreReportedAndIgnored() {
        assertEquals(List.of("comment keepalive", "comment", "event id= type=message data=x"),
                parse(": keepalive\n:\ndata: x\n\n"));
    }

    @Test
    void retryTakesAsciiDigitsOnly() {
        assertEquals(List.of("retry 2500", "retry 0"), parse("retry: 2500\nretry: 1.5\nretry: -1\nretry: x\nretry\nretry: 0\n\n"));
    }

    @Test
    void anIdContainingNulIsIgnoredAndTheLastIdIsKeptAcrossEvents() {
        assertEquals(List.of("event id=7 type=message data=a", "event id=7 type=message data=b"),
                parse("id: 7\ndata: a\n\nid: 8\u0000\ndata: b\n\n"));
    }

    @Test
    void anEventWithNoDataDispatchesNothingButStillSetsTheLastEventId() {
        SseParser parser = new SseParser((id, type, data) -> {
            throw new AssertionError("nothing to dispatch");
        });
        parser.feed("id: 42\nevent: ignored\n\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("42", parser.lastEventId());
    }

    @Test
    void theEventTypeResetsAfterEachDispatchAndUnknownFieldsAreIgnored() {
        assertEquals(List.of("event id= type=special data=1", "event id= type=message data=2"),
                parse("event: special\nfoo: bar\ndata: 1\n\ndata: 2\n\n"));
    }

    @Test
    void emptyDataLinesStillMakeAnEvent() {
        assertEquals(List.of("event id= type=message data=", "event id= type=message data=\n"),
                parse("data:\n\ndata\ndata\n\n"));
    }

    @Test
    void multiByteCharactersSplitAcrossChunksSurvive() {
        assertEquals(List.of("event id= type=message data=ünï €"), parse("data: ünï €\n\n"));
    }

    @Test
    void anEventLargerThanTheLimitIsRefused() {
        SseParser parser = new SseParser((id, type, data) -> {}, 16);
        parser.feed("data: 1234567\n\n".getBytes(StandardCharsets.UTF_8));
        assertThrows(SseParser.EventTooLargeException.class,
                () -> parser.feed("data: 12345678901234567890\n".getBytes(StandardCharsets.UTF_8)));
    }
}
