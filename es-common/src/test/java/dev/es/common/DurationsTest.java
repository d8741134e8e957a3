package dev.es.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void unitsAsPeopleTypeThem() {
        assertEquals(Duration.ofMillis(250), Durations.parse("250ms"));
        assertEquals(Duration.ofSeconds(10), Durations.parse("10s"));
        assertEquals(Duration.ofSeconds(10), Durations.parse("10"));
        assertEquals(Duration.ofMinutes(2), Durations.parse("2m"));
        assertEquals(Duration.ofHours(1), Durations.parse("1h"));
    }

    @Test
    void anythingElseSaysWhatIsExpected() {
        assertEquals("'ten' is not a duration: use e.g. 500ms, 10s, 2m or 1h",
                assertThrows(IllegalArgumentException.class, () -> Durations.parse("ten")).getMessage());
    }

    @Test
    void aNumberBeyondWhatADurationHoldsIsTooLong() {
        for (String text : new String[] {"99999999999999999999s", "9223372036854775807h", "9223372036854775807m"}) {
            assertEquals("'" + text + "' is too long a duration",
                    assertThrows(IllegalArgumentException.class, () -> Durations.parse(text)).getMessage());
        }
    }
}
