package dev.es.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PublishBodyTest {

    private static Event read(String json) {
        return PublishBody.read(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theIdMayBeANumberOrAString() {
        assertEquals(new Event("123", "my-event", "Hello", null), read("{\"id\":123, \"event\":\"my-event\", \"data\":\"Hello\"}"));
        assertEquals(new Event("abc", null, "x", 100L), read("{\"id\":\"abc\", \"data\":\"x\", \"retry\": 100}"));
    }

    /** Refused where an event is published (the hub: HubTest); an event read back with a longer id (a merged stream's) is fine. */
    @Test
    void anIdTooLongToComeBackIsRefusedOnlyWhenPublished() {
        String tooLong = "i".repeat(Event.MAX_ID_LENGTH + 1);
        assertEquals("id is 1025 characters long: at most 1024, as clients send it back in a header to resume",
                Event.idProblem(read("{\"id\":\"" + tooLong + "\", \"data\":\"x\"}").id()));
        assertEquals(tooLong, new Event(tooLong, null, "x", null).id());
    }

    @Test
    void numericIdsKeepTheirExactValueInPlainNotation() {
        assertEquals("1000", read("{\"id\":1e3, \"data\":\"x\"}").id());
        assertEquals("1.5", read("{\"id\":1.5, \"data\":\"x\"}").id());
        assertEquals("123456789012345678901234567890", read("{\"id\":123456789012345678901234567890, \"data\":\"x\"}").id());
    }

    @Test
    void emptyOrNullOptionalFieldsAreAbsentAndUnknownFieldsIgnored() {
        assertEquals(Event.of("x"), read("{\"id\":\"\", \"event\":null, \"data\":\"x\", \"extra\": [1]}"));
    }

    @Test
    void whatIsWrittenReadsBack() {
        Event event = new Event("7", "t", "two\nlines", 1000L);
        assertEquals(event, read(PublishBody.write(event)));
    }

    @Test
    void badBodiesAreRefusedWithAReason() {
        assertEquals("\"data\" is required and must be a string",
                assertThrows(IllegalArgumentException.class, () -> read("{}")).getMessage());
        assertEquals(true, assertThrows(IllegalArgumentException.class, () -> read("{\"data\":\"x\"} trailing"))
                .getMessage().startsWith("malformed JSON"));
        assertEquals(true, assertThrows(IllegalArgumentException.class, () -> read(""))
                .getMessage().startsWith("the body must be a JSON object"));
        assertThrows(IllegalArgumentException.class, () -> read("{\"data\":\"x\", \"retry\": 1.5}"));
    }

    /** Found by PublishBodyFuzzTest: a lone surrogate escape reached subscribers as '?'. */
    @Test
    void halfASurrogatePairIsRefusedAndAWholeOneKept() {
        IllegalArgumentException lone = assertThrows(IllegalArgumentException.class, () -> read("{\"data\":\"a\\ude00\"}"));
        assertEquals("\"data\" holds half of a surrogate pair, which is not Unicode text", lone.getMessage());
        assertThrows(IllegalArgumentException.class, () -> read("{\"data\":\"x\", \"id\":\"\\ud83d\"}"));
        assertEquals("\ud83d\ude00", read("{\"data\":\"\\ud83d\\ude00\"}").data());
    }
}
