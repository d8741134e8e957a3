package dev.es.server.http;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.eclipse.jetty.util.component.AbstractLifeCycle;

/**
 * Where woken stream writers take their turns. The turns a publish over HTTP wakes run on the publisher's own
 * thread before it is answered, when they are few: no hand-off to another thread, and a publisher running flat
 * out is paced by its writes rather than let run ahead of them (a backlog is latency). A larger fan-out goes to a
 * pool of platform threads, one per core, so that its publisher is answered at once and each writer coalesces
 * what queues while it waits its turn. Every other wake (a keepalive, a close, an event from another server, a
 * publish by a program embedding the hub) goes to the pool.
 */
final class WriterTurns extends AbstractLifeCycle implements Executor {

    /**
     * The most turns a publisher runs itself: a write is ~10–25 µs of CPU, so its answer waits up to ~1–3 ms.
     * More would hold it longer, and a large fan-out gains most from the pool's coalescing.
     */
    static final int MAX_ON_PUBLISHER = 128;

    /** The turns woken by the publish running on this thread, while one is. */
    private final ThreadLocal<List<Runnable>> wokenByPublish = new ThreadLocal<>();
    /** Runs turns once the pool has stopped (the server is stopping), so that a wake then does not fail. */
    private final Executor afterStop;
    private ForkJoinPool pool;

    WriterTurns(Executor afterStop) {
        this.afterStop = afterStop;
    }

    /**
     * Publishes, then runs here the writer turns the publish woke when there were at most
     * {@link #MAX_ON_PUBLISHER}; a larger fan-out went to the pool as it was woken.
     */
    <T> T publish(Supplier<T> publish) {
        List<Runnable> woken = new ArrayList<>();
        wokenByPublish.set(woken);
        try {
            return publish.get();
        } finally {
            wokenByPublish.remove();
            // After the hub has let go of its locks: a turn is I/O.
            for (Runnable turn : woken) {
                runAlone(turn);
            }
        }
    }

    /** Runs a task here as a publish does: the turns it wakes, at most {@link #MAX_ON_PUBLISHER}, run here after it. */
    void runHere(Runnable task) {
        publish(() -> {
            task.run();
            return null;
        });
    }

    /**
     * A writer's turn: kept for its publisher when one is publishing on this thread with room left, else to the
     * pool — at the fan-out's first turn past the room, together with those kept so far.
     */
    @Override
    public void execute(Runnable turn) {
        List<Runnable> woken = wokenByPublish.get();
        if (woken == null) {
            toPool(turn);
        } else if (woken.size() < MAX_ON_PUBLISHER) {
            woken.add(turn);
        } else {
            wokenByPublish.remove();
            woken.forEach(this::toPool);
            woken.clear();
            toPool(turn);
        }
    }

    /** Runs a turn whose failure, reported as the pool would, costs neither the turns after it nor the publish. */
    private static void runAlone(Runnable turn) {
        try {
            turn.run();
        } catch (RuntimeException failed) {
            Thread thread = Thread.currentThread();
            thread.getUncaughtExceptionHandler().uncaughtException(thread, failed);
        }
    }

    private void toPool(Runnable turn) {
        try {
            pool.execute(turn);
        } catch (RejectedExecutionException stopped) {
            afterStop.execute(turn);
        }
    }

    @Override
    protected void doStart() {
        pool = new ForkJoinPool(Runtime.getRuntime().availableProcessors(), forkJoin -> {
            ForkJoinWorkerThread thread = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(forkJoin);
            thread.setName("es-writer-" + thread.getPoolIndex());
            return thread;
        }, null, true);
    }

    @Override
    protected void doStop() {
        // Turns already queued still run: each ends its stream, whose connection is closed by now.
        pool.shutdown();
    }
}
