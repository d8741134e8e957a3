package dev.es.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WriterTurnsTest {

    private final WriterTurns turns = new WriterTurns(Runnable::run);
    /** The threads the turns ran on, in the order they ran. */
    private final Queue<Thread> ranOn = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void start() throws Exception {
        turns.start();
    }

    @AfterEach
    void stop() throws Exception {
        turns.stop();
    }

    @Test
    void turnsAPublishWakesRunOnItsThreadOnceThePublishHasReturned() {
        String answer = turns.publish(() -> {
            // Here the hub would hold its locks: nothing is written yet.
            turns.execute(this::recordThread);
            turns.execute(this::recordThread);
            assertTrue(ranOn.isEmpty(), "a turn ran inside the publish");
            return "stored";
        });
        assertEquals("stored", answer);
        assertEquals(List.of(Thread.currentThread(), Thread.currentThread()), List.copyOf(ranOn));
    }

    @Test
    void aFanOutPastTheLimitGoesToThePoolAsItIsWoken() throws Exception {
        CountDownLatch allRan = new CountDownLatch(WriterTurns.MAX_ON_PUBLISHER + 1);
        turns.publish(() -> {
            for (int i = 0; i <= WriterTurns.MAX_ON_PUBLISHER; i++) {
                turns.execute(() -> {
                    recordThread();
                    allRan.countDown();
                });
            }
            // Handed on, not held for this publish to finish: they run while it is still offering.
            assertAwaited(allRan);
            return null;
        });
        assertEquals(WriterTurns.MAX_ON_PUBLISHER + 1, ranOn.size());
        assertFalse(ranOn.contains(Thread.currentThread()), "a turn of a large fan-out ran on its publisher");
    }

    @Test
    void aWakeOutsideAPublishGoesToThePool() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        turns.execute(() -> {
            recordThread();
            ran.countDown();
        });
        assertAwaited(ran);
        assertTrue(ranOn.peek().getName().startsWith("es-writer-"), ranOn.peek().getName());
    }

    @Test
    void aTurnThatFailsCostsNeitherTheTurnsAfterItNorThePublish() {
        Queue<Throwable> reported = new ConcurrentLinkedQueue<>();
        Thread publisher = Thread.currentThread();
        Thread.UncaughtExceptionHandler before = publisher.getUncaughtExceptionHandler();
        publisher.setUncaughtExceptionHandler((thread, failure) -> reported.add(failure));
        try {
            IllegalStateException failure = new IllegalStateException("a writer's fault");
            String answer = turns.publish(() -> {
                turns.execute(() -> {
                    throw failure;
                });
                turns.execute(this::recordThread);
                return "stored";
            });
            assertEquals("stored", answer);
            assertEquals(List.of(publisher), List.copyOf(ranOn));
            assertSame(failure, reported.peek());
        } finally {
            publisher.setUncaughtExceptionHandler(before);
        }
    }

    private void recordThread() {
        ranOn.add(Thread.currentThread());
    }

    private static void assertAwaited(CountDownLatch latch) {
        try {
            assertTrue(latch.await(10, TimeUnit.SECONDS), latch.getCount() + " turns did not run within 10 s");
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
