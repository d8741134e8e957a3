package dev.es.client;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EventStreamBackoffTest {

    private static void assertBetween(long low, long high, long actual) {
        assertTrue(actual >= low && actual <= high, actual + " not in [" + low + ", " + high + "]");
    }

    @Test
    void theRetryTimeDoublesPerFailureUpToTheCapWithAFifthOfJitter() {
        for (int i = 0; i < 50; i++) {
            assertBetween(1_000, 1_200, EventStream.backoff(1_000, 0));
            assertBetween(4_000, 4_800, EventStream.backoff(1_000, 2));
            assertBetween(30_000, 36_000, EventStream.backoff(1_000, 40));
        }
    }

    @Test
    void aHugeRetryFromTheHubIsCappedRatherThanOverflowing() {
        for (int failures : new int[] {0, 1, 5, 9}) {
            assertBetween(30_000, 36_000, EventStream.backoff(Long.MAX_VALUE / 2, failures));
        }
    }
}
