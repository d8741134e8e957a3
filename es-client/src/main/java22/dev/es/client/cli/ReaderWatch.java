package dev.es.client.cli;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Notices that nobody reads standard output any more (a pipe whose reader exited: {@code | head -n 1}) while
 * nothing is being written: poll(2) on descriptor 1 asking for no event reports POLLERR (or POLLHUP) once the
 * other end is closed, and blocks until then. On a terminal or a file it never returns, on a daemon thread.
 */
final class ReaderWatch {

    private static final short POLLERR = 0x008;
    private static final short POLLHUP = 0x010;

    private ReaderWatch() {}

    /**
     * Runs the action, once, when standard output's reader is gone; nothing where poll(2) cannot be called. The
     * native call is made ready on the watch's own thread: that costs a few hundred classes, which a command that
     * ends at once should not wait for.
     */
    static void whenGone(Runnable action) {
        if (!mayLoseItsReader()) {
            return;
        }
        Thread.ofPlatform().daemon().name("es-reader-watch").start(() -> {
            MethodHandle poll = poll();
            if (poll == null) {
                return;
            }
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

    /** Only a pipe or a socket loses its reader; a terminal or a file never does. Where /proc does not say: maybe. */
    private static boolean mayLoseItsReader() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/1")).toString();
            return target.startsWith("pipe:") || target.startsWith("socket:");
        } catch (IOException | RuntimeException unknown) {
            return true;
        }
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
