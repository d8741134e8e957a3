package dev.es.common;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ChannelNameTest {

    @Test
    void aPatternStandsForTheChannelsStartingSo() {
        assertTrue(ChannelName.isPattern("news-*"));
        assertFalse(ChannelName.isPattern("news"));
        assertTrue(ChannelName.matches("news-*", "news-sport"));
        assertFalse(ChannelName.matches("news-*", "weather"));
        assertTrue(ChannelName.matches("*", "weather"));
        assertTrue(ChannelName.matches("news", "news"));
        assertFalse(ChannelName.matches("news", "news-sport"));
        assertTrue(ChannelName.isValidPattern("*"));
        assertTrue(ChannelName.isValidPattern("news-*"));
        assertFalse(ChannelName.isValidPattern("News*"));
        assertFalse(ChannelName.isValidPattern("news"), "a name is not a pattern");
        assertFalse(ChannelName.isValidPattern(""));
    }
}
