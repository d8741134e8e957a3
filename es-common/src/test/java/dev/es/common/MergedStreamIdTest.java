package dev.es.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MergedStreamIdTest {

    @Test
    void anIdSaysItsChannelAndEveryPositionWhateverTheIdsHold() {
        String id = MergedStreamId.of("b", List.of(MergedStreamId.position("a", "7"), MergedStreamId.position("b", "x&y=z %")));
        assertEquals("c=b&a=7&b=x%26y%3Dz+%25", id);
        assertEquals("b", MergedStreamId.channel(id));
        assertEquals(Map.of("a", "7", "b", "x&y=z %"), MergedStreamId.positions(id));
    }

    @Test
    void aChannelWithNoPositionYetIsJustNamed() {
        String id = MergedStreamId.of("news", List.of());
        assertEquals("c=news", id);
        assertEquals("news", MergedStreamId.channel(id));
        assertTrue(MergedStreamId.positions(id).isEmpty());
    }

    @Test
    void aGarbledPositionIsLeftOutNotAnError() {
        assertEquals(Map.of("b", "2"), MergedStreamId.positions("c=a&a=%zz&b=2"));
    }

    @Test
    void anyOtherIdIsNotMerged() {
        for (String other : new String[] {null, "", "42", "a=1&b=2"}) {
            assertNull(MergedStreamId.channel(other), other);
            assertTrue(MergedStreamId.positions(other).isEmpty(), other);
        }
    }
}
