package dev.es.client.cli;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Notices that nobody reads standard output any more (a pipe whose reader exited: {@code | head -n 1}) while
 * nothing is being written: poll(2) on descriptor 1 asking for no event reports POLLERR (or POLLHUP) once the
 * other end is closed, and blocks until then. On a terminal or a file it never returns, on a daemon thread.
 */
final class ReaderWatch {

    private static final short POLLERR = 0x008;
    private static final short POLLHUP = 0x010;

    private ReaderWatch() {}

    /** Runs the action, once, when standard output's reader is gone; nothing where poll(2) cannot be called. */
    static void whenGone(Runnable action) {
        MethodHandle poll = poll();
        if (poll == null) {
            return;
        }
        Thread.ofPlatform().daemon().name("es-reader-watch").start(() -> {
            try (Arena arena = Arena.ofConfined()) {
                // struct pollfd { int fd; short events; short revents; }: descriptor 1, no event asked for.
                MemorySegment pollfd = arena.allocate(8, 4);
                pollfd.set(ValueLayout.JAVA_INT, 0, 1);
                pollfd.set(ValueLayout.JAVA_SHORT, 4, (short) 0);
                while (true) {
                    pollfd.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
                    int ready = (int) poll.invokeExact(pollfd, 1L, -1);
                    short revents = pollfd.get(ValueLayout.JAVA_SHORT, 6);
                    if (ready > 0 && (revents & (POLLERR | POLLHUP)) != 0) {
                        action.run();
                        return;
                    }
                    // EINTR (ready < 0) or an event not asked for: ask again.
                }
            } catch (Throwable unexpected) {
                // The watch is a courtesy: without it the next write still finds the pipe closed.
            }
        });
    }

    @SuppressWarnings("restricted")
    private static MethodHandle poll() {
        try {
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find("poll")
                    .map(address -> linker.downcallHandle(address, FunctionDescriptor.of(ValueLayout.JAVA_INT,
                            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT)))
                    .orElse(null);
        } catch (RuntimeException | LinkageError noNativeAccess) {
            return null;
        }
    }
}
