package dev.es.client.cli;

/**
 * Notices that nobody reads standard output any more (a pipe whose reader exited: {@code | head -n 1}) while
 * nothing is being written, so that a command waiting on a quiet stream can end at once. Java 21 cannot ask the
 * system without the foreign function API, which it holds as a preview: there a closed pipe is noticed at the
 * next write, as before. The multi-release jar carries the Java 22+ version (META-INF/versions/22).
 */
final class ReaderWatch {

    private ReaderWatch() {}

    /** On Java 21: nothing to start; the next write finds the pipe closed. */
    static void whenGone(Runnable action) {
        // Java 22 and later: see src/main/java22.
    }
}
