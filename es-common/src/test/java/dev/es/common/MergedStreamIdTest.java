package dev.es.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
    void anIdInTheHubsOrderSaysItsChannelAndOnePlace() {
        String id = MergedStreamId.ofPlace("news-1", 1796614846170140L);
        assertEquals("c=news-1&@=1796614846170140", id);
        assertEquals("news-1", MergedStreamId.channel(id));
        assertEquals(1796614846170140L, MergedStreamId.placeIn(id));
        assertEquals(1796614846170140L, MergedStreamId.place(MergedStreamId.resumeFrom(1796614846170140L)));
        assertEquals(MergedStreamId.NO_PLACE, MergedStreamId.placeIn("c=b&a=7&b=8"), "positions, not a place");
        assertEquals(MergedStreamId.NO_PLACE, MergedStreamId.placeIn("17"), "an event's own id");
        assertEquals(MergedStreamId.NO_PLACE, MergedStreamId.place("@12x"));
        assertEquals(MergedStreamId.NO_PLACE, MergedStreamId.placeIn("c=a&@=" + "9".repeat(30)), "too long for a place");
    }

    @Test
    void anIdShapedLikeAPlaceCannotBePublished() {
        assertEquals("an id of @ and digits is kept for places in the hub's order, from which streams resume",
                Event.idProblem("@1796614846170140"));
        assertEquals(null, Event.idProblem("@home"));
    }

    @Test
    void aLongIdIsCarriedAsAShortDigest() {
        String id = "x".repeat(Event.MAX_ID_LENGTH);
        String position = MergedStreamId.positions(MergedStreamId.of("a", List.of(MergedStreamId.position("a", id)))).get("a");
        assertTrue(position.length() < 30, position);
        assertEquals(MergedStreamId.digestOf(id), position);
        assertNotEquals(MergedStreamId.digestOf(id.substring(1)), position);
        assertNull(MergedStreamId.digestOf("1732451234567"), "a hub's own ids are carried as they are");
        assertEquals("a=" + position, MergedStreamId.position("a", position), "a digest resumed from is carried on as it is");
    }

    /** Carried as it is, an id of a digest's length starting with ~ could otherwise write other channels' positions. */
    @Test
    void anIdShapedLikeADigestCannotWriteAnotherChannelsPosition() {
        String forged = "~&a=9999999999999999999";
        String id = MergedStreamId.of("b", List.of(MergedStreamId.position("a", "5"), MergedStreamId.position("b", forged)));
        assertEquals(Map.of("a", "5", "b", MergedStreamId.digestOf(forged)), MergedStreamId.positions(id));
        String percent = "~" + "%".repeat(22);
        assertEquals(MergedStreamId.digestOf(percent), MergedStreamId.positions(MergedStreamId.of("a",
                List.of(MergedStreamId.position("a", percent)))).get("a"));
    }

    @Test
    void theLongestIdOfAStreamBoundsEveryIdItCanWrite() {
        List<String> channels = List.of("news", "weather-" + "x".repeat(100));
        String longest = MergedStreamId.of(channels.get(1), channels.stream()
                .map(channel -> MergedStreamId.position(channel, "y".repeat(Event.MAX_ID_LENGTH))).toList());
        assertTrue(longest.length() <= MergedStreamId.longest(channels), longest.length() + " " + MergedStreamId.longest(channels));
        String numbered = MergedStreamId.of("news", channels.stream().map(channel -> MergedStreamId.position(channel, "9".repeat(24))).toList());
        assertTrue(numbered.length() <= MergedStreamId.longest(channels));
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
