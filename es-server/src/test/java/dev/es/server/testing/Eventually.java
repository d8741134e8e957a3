package dev.es.server.testing;

import java.time.Duration;
import java.util.function.Predicate;

/**
 * A bounded wait: looks at what a user would see until it is what is expected, for at most a given time, and
 * hands back the last look for the test to assert on (so a wait that runs out fails with what was seen).
 */
public final class Eventually {

    private static final long PAUSE_MILLIS = 20;

    /** A look at the system under test, which may do I/O. */
    @FunctionalInterface
    public interface Look<T> {
        T get() throws Exception;
    }

    private Eventually() {}

    /** The first look {@code expected} accepts, or the last one once {@code within} has passed. */
    public static <T> T poll(Look<T> look, Predicate<? super T> expected, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        T seen = look.get();
        while (!expected.test(seen) && System.nanoTime() < deadline) {
            Thread.sleep(PAUSE_MILLIS);
            seen = look.get();
        }
        return seen;
    }
}
