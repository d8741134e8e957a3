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
        assertEquals(Duration.ofMillis(1500), Durations.parse("1.5s"));
        assertEquals(Duration.ofSeconds(90), Durations.parse("1m30s"));
        assertEquals(Duration.ofMillis(3_600_250), Durations.parse("1h250ms"));
        assertEquals(Duration.ofMillis(500), Durations.parse("0.5"));
        assertEquals(Duration.ZERO, Durations.parse("0"));
    }

    @Test
    void wordsTakeTheTwoLargestUnits() {
        assertEquals("42 s", Durations.words(Duration.ofSeconds(42)));
        assertEquals("3 min 5 s", Durations.words(Duration.ofSeconds(185)));
        assertEquals("2 h 10 min", Durations.words(Duration.ofMinutes(130).plusSeconds(59)));
        assertEquals("3 d 4 h", Durations.words(Duration.ofHours(76)));
    }

    @Test
    void anythingElseSaysWhatIsExpected() {
        for (String text : new String[] {"ten", "s", "10 s", "1m30", "-1s", "1.s"}) {
            assertEquals("'" + text + "' is not a duration: use e.g. 250ms, 1.5s, 1m30s or 2h (a bare number is seconds)",
                    assertThrows(IllegalArgumentException.class, () -> Durations.parse(text)).getMessage());
        }
    }

    @Test
    void aNumberBeyondWhatADurationHoldsIsTooLong() {
        for (String text : new String[] {"99999999999999999999s", "9223372036854775807h", "9223372036854775807m"}) {
            assertEquals("'" + text + "' is too long a duration",
                    assertThrows(IllegalArgumentException.class, () -> Durations.parse(text)).getMessage());
        }
    }
}
