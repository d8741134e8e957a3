package dev.es.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseFramesTest {

    private static String encode(Event e) {
        return new String(SseFrames.encode(e), StandardCharsets.UTF_8);
    }

    @Test
    void fieldsComeInTheSeedsOrderFollowedByABlankLine() {
        assertEquals("id: 123\nevent: my-event\nretry: 500\ndata: Hello World!\n\n",
                encode(new Event("123", "my-event", "Hello World!", 500L)));
        assertEquals("data: plain\n\n", encode(Event.of("plain")));
        assertEquals("data: \n\n", encode(Event.of("")));
    }

    @Test
    void everyKindOfLineBreakInDataBecomesItsOwnDataLine() {
        assertEquals("data: a\ndata: b\ndata: c\ndata: \ndata: d\n\n", encode(Event.of("a\nb\rc\r\n\nd")));
        assertEquals("data: end\ndata: \n\n", encode(Event.of("end\n")));
    }

    @Test
    void whatIsEncodedParsesBackToTheSameEvent() {
        Event original = new Event("9", "t", "line 1\nline 2\n\nline 4", null);
        List<String> parsed = new ArrayList<>();
        new SseParser((id, type, data) -> parsed.add(id + "|" + type + "|" + data)).feed(SseFrames.encode(original));
        assertEquals(List.of("9|t|line 1\nline 2\n\nline 4"), parsed);
    }

    @Test
    void lineBreaksOrNulInSingleLineFieldsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Event("1\nevent: x", null, "d", null));
        assertThrows(IllegalArgumentException.class, () -> new Event(null, "a\rb", "d", null));
        assertThrows(IllegalArgumentException.class, () -> new Event("1\0", null, "d", null));
    }

    @Test
    void commentsAndRetryHintsAreTheirOwnFrames() {
        assertEquals(":\n\n", new String(SseFrames.comment(""), StandardCharsets.UTF_8));
        assertEquals(": hi\n\n", new String(SseFrames.comment("hi"), StandardCharsets.UTF_8));
        assertEquals("retry: 2000\n\n", new String(SseFrames.retry(2000), StandardCharsets.UTF_8));
    }

    @Test
    void idsAreReplacedInPlaceKeptInTheirOwnFieldAndEverythingElseIsCopied() {
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        frames.writeBytes(SseFrames.encode(new Event("7", "t", "a\nb", null)));
        frames.writeBytes(SseFrames.comment("keepalive"));
        frames.writeBytes(SseFrames.encode(Event.of("no id")));
        frames.writeBytes(SseFrames.encode(new Event("id: 8", null, "id: in data", null)));
        List<String> seen = new ArrayList<>();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SseFrames.replaceIds(frames.toByteArray(), id -> {
            seen.add(id);
            return "new-" + id;
        }, out);
        assertEquals(List.of("7", "id: 8"), seen);
        assertEquals("id: new-7\nes-id: 7\nevent: t\ndata: a\ndata: b\n\n: keepalive\n\ndata: no id\n\n"
                + "id: new-id: 8\nes-id: id: 8\ndata: id: in data\n\n", out.toString(StandardCharsets.UTF_8));
    }
}
