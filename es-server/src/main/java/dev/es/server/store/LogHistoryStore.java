package dev.es.server.store;

import dev.es.server.hub.HistoryStore;
import dev.es.server.hub.HistoryUnavailableException;
import dev.es.server.hub.Hub;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Channels' history in a log of our own in the data directory ({@code es serve --data}): each publish's event is
 * one record appended with one write, where the publish runs; the log is synced by a thread of its own for every
 * write made while it synced last (group commit), unless commits are relaxed, when the write is the commit. Where
 * each channel's kept events lie is held in memory ({@link ChannelRecords}); a compaction rewrites the log with
 * only those once most of it is events let go. A lock file keeps a second server off the directory. DESIGN.md,
 * "History on disk", says why it is built so.
 */
public final class LogHistoryStore implements HistoryStore, AutoCloseable {

    /** The log's name in the data directory. */
    public static final String FILE_NAME = "history.log";
    /**
     * A log is compacted once the events let go in it pass both this and the size of those kept: it stays under
     * about twice what is kept, or this, and each byte written is copied about once more at most.
     */
    static final long COMPACT_PAST_BYTES = 16L << 20;
    /**
     * Synced, the log is written with zeros this far ahead of its end: a record then overwrites blocks already
     * the file's, so a sync writes data alone, not the file's growth (measured: about 30% less CPU and latency a
     * sync).
     */
    private static final int PREALLOCATE_BYTES = 4 << 20;
    private static final byte[] ZEROS = new byte[1 << 20];
    /** How often the keeper writes forgets no publish has carried and looks whether to compact. */
    private static final long KEEPER_PERIOD_MILLIS = 100;

    private final DataDirectory directory;
    private final Path file;
    private final boolean syncEachCommit;
    /** Guards everything below: the log's handles and end, the index, what waits to be written or synced. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition toSync = lock.newCondition();
    /** Wakes the keeper early: the store is closing. */
    private final Condition keeperWake = lock.newCondition();
    /** Written at its end only (its position is the end). */
    private RandomAccessFile log;
    private long end;
    /** The file's length: past {@link #end}, zeros written ahead (synced commits only). */
    private long allocated;
    /**
     * Bumped when a compaction swaps the log: a sync of the old one that failed then did not need to succeed, and a
     * read of records at their old offsets is made again.
     */
    private long generation;
    /** Why a sync failed, after which nothing more is appended until a restart (what the disk kept is unknown). */
    private String syncFailed;
    private final Map<String, ChannelRecords> channels = new HashMap<>();
    /** Bytes of the log held by records of kept events. */
    private long keptBytes;
    /** Every place given is below this. */
    private long placesBelow;
    /** Forgets waiting to go out with the next write: they need not be durable before anything is answered. */
    private final LogRecords unwritten = new LogRecords();
    /** Appends written and not yet synced, in order (synced commits only). */
    private List<Durable> unsynced = new ArrayList<>();
    /** Bytes of a write cut short that the start dropped from the log's end (0: none). */
    private long cutShortBytes;
    /** The log's end from which a compaction is next worth trying after one failed (a full disk). */
    private long compactNotBefore;
    private final Thread syncer;
    private final Thread keeper;
    private volatile boolean closing;
    /** Runs each sync's tells, here on the syncer ({@link #tellThrough}). */
    private volatile Executor tells = Runnable::run;

    private LogHistoryStore(DataDirectory directory, boolean syncEachCommit) {
        this.directory = directory;
        this.file = directory.log();
        this.syncEachCommit = syncEachCommit;
        syncer = Thread.ofPlatform().name("es-history-syncer").daemon().unstarted(this::syncLoop);
        keeper = Thread.ofPlatform().name("es-history-keeper").daemon().unstarted(this::keep);
    }

    /**
     * Opens (making it if needed) the history in a data directory, and locks the directory for this process.
     *
     * @param syncEachCommit whether a commit waits for the disk (survives power loss), or only for the operating
     *     system (survives the process being killed)
     * @throws DataDirectoryException when the directory cannot be made or written, or another server holds it
     *     ({@link DataDirectory#lock})
     */
    public static LogHistoryStore open(Path directory, boolean syncEachCommit) {
        return new LogHistoryStore(DataDirectory.lock(directory), syncEachCommit);
    }

    /** Bytes of a write cut short by a crash that the start dropped from the log's end; 0 when none was. */
    public long cutShortBytes() {
        return cutShortBytes;
    }

    /**
     * Reads the log through, learning where each channel's kept events lie, and gives the hub back every channel
     * with events kept, each known by its newest event (its events are read when the hub first asks for them:
     * {@link #read}), and the place it numbers from; then starts writing. Called once, before the hub takes
     * publishes. A write cut short at the log's end is cut off.
     *
     * @return how many channels have events kept
     * @throws DataDirectoryException when the log cannot be read or written, or is not a log of es's or damaged
     */
    public int restoreChannelsInto(Hub hub) {
        try {
            directory.createLogIfMissing();
            end = LogScanner.scan(file, new Replay());
            log = new RandomAccessFile(file.toFile(), "rw");
            if (log.length() != end) {
                log.setLength(end);
            }
            log.seek(end);
            allocated = end;
        } catch (IOException e) {
            throw new DataDirectoryException(file + " cannot be used as es's history: " + DataDirectory.reason(e), e);
        }
        channels.forEach((name, records) -> hub.restore(new KeptChannel(name, records.newestPlace(), records.newestId,
                records.newestStoredAtMillis)));
        hub.orderFrom(placesBelow);
        if (syncEachCommit) {
            syncer.start();
        }
        keeper.start();
        return channels.size();
    }

    /** What a start learns from each record of the log, in the order written. */
    private final class Replay implements LogScanner.Visitor {
        @Override
        public void event(String channel, long place, String id, long storedAtMillis, long offset, int length) {
            ChannelRecords records = channels.computeIfAbsent(channel, name -> new ChannelRecords());
            records.add(place, offset, length);
            records.newestId = id;
            records.newestStoredAtMillis = storedAtMillis;
            keptBytes += length;
            placesBelow = Math.max(placesBelow, place + 1);
        }

        @Override
        public void forget(String channel, long throughPlace) {
            forgetKept(channel, throughPlace);
            placesBelow = Math.max(placesBelow, throughPlace + 1);
        }

        @Override
        public void mark(long below) {
            placesBelow = Math.max(placesBelow, below);
        }

        @Override
        public void cutShort(long droppedBytes) {
            cutShortBytes = droppedBytes;
        }
    }

    /** Lets the index go of a channel's records through a place; with the lock held (or at start). */
    private void forgetKept(String channel, long throughPlace) {
        ChannelRecords records = channels.get(channel);
        if (records != null) {
            keptBytes -= records.forgetThrough(throughPlace);
            dropIfEmpty(channel, records);
        }
    }

    /** A channel with no record kept is no longer in the index; with the lock held. */
    private void dropIfEmpty(String channel, ChannelRecords records) {
        if (records.size() == 0) {
            channels.remove(channel);
        }
    }

    /** Why the history could not be written, for a publish's 503 (the file's name is for the server's log). */
    private HistoryUnavailableException writeFailure(String reason, Throwable cause) {
        return new HistoryUnavailableException("the history could not be written to " + file + ": " + reason, cause);
    }

    /**
     * Writes the event's record (with any forgets waiting) in one write. Relaxed, that write is the commit: the
     * event is durable at once. Synced, the syncer tells {@code then} once a sync has taken it to the disk.
     */
    @Override
    public boolean append(String channel, long place, String id, byte[] frame, long storedAtMillis, Durable then) {
        lock.lock();
        try {
            if (closing) {
                throw new HistoryUnavailableException("the server is stopping", null);
            }
            if (syncFailed != null) {
                throw new HistoryUnavailableException("the history log could not be synced (" + syncFailed
                        + "): nothing more is kept until es serve is restarted", null);
            }
            int start = unwritten.event(channel, place, id, frame, storedAtMillis);
            int length = unwritten.size() - start;
            ChannelRecords records = channels.computeIfAbsent(channel, name -> new ChannelRecords());
            records.add(place, end + start, length);
            keptBytes += length;
            try {
                writeUnwritten();
            } catch (IOException e) {
                unwritten.truncate(start);
                keptBytes -= records.dropNewest();
                dropIfEmpty(channel, records);
                throw writeFailure(DataDirectory.reason(e), e);
            }
            placesBelow = Math.max(placesBelow, place + 1);
            if (!syncEachCommit) {
                return true;
            }
            unsynced.add(then);
            toSync.signal();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Writes what waits in one write; on failure the log is cut back to its end before, nothing half-written. */
    private void writeUnwritten() throws IOException {
        if (unwritten.isEmpty()) {
            return;
        }
        if (syncEachCommit && end + unwritten.size() > allocated) {
            preallocate();
        }
        try {
            log.write(unwritten.bytes(), 0, unwritten.size());
        } catch (IOException e) {
            try {
                cutBack();
            } catch (IOException cannotCutBack) {
                e.addSuppressed(cannotCutBack);
            }
            throw e;
        }
        end += unwritten.size();
        allocated = Math.max(allocated, end);
        unwritten.clear();
    }

    /** Writes zeros ahead of the end; when they do not fit (a full disk) the records are written without them. */
    private void preallocate() {
        try {
            log.seek(allocated);
            for (long target = end + unwritten.size() + PREALLOCATE_BYTES; allocated < target; allocated += ZEROS.length) {
                log.write(ZEROS);
            }
            log.seek(end);
        } catch (IOException e) {
            try {
                cutBack();
            } catch (IOException ignored) {
                // The write that follows fails too, and says why.
            }
        }
    }

    /** Cuts the file back to the records' end, dropping anything past it. */
    private void cutBack() throws IOException {
        allocated = end;
        try {
            log.setLength(end);
        } finally {
            log.seek(end);
        }
    }

    @Override
    public void forget(String channel, long throughPlace) {
        lock.lock();
        try {
            forgetLocked(channel, throughPlace);
        } finally {
            lock.unlock();
        }
    }

    /** Lets the index go of the records, and queues the forget for the next write; with the lock held. */
    private void forgetLocked(String channel, long throughPlace) {
        forgetKept(channel, throughPlace);
        unwritten.forget(channel, throughPlace);
    }

    /** Writes the forget before returning, and syncs it when commits are synced: a restart does not bring it back. */
    @Override
    public void forgetClosed(String channel, long throughPlace) {
        RandomAccessFile written;
        long writtenGeneration;
        lock.lock();
        try {
            forgetLocked(channel, throughPlace);
            if (log == null) {
                // Before the start read the log: written with the first write.
                return;
            }
            writeUnwritten();
            written = log;
            writtenGeneration = generation;
        } catch (IOException e) {
            // Kept, and written with the next write.
            return;
        } finally {
            lock.unlock();
        }
        if (syncEachCommit) {
            try {
                // fsync: this thread may be interrupted, which would close a FileChannel for every thread.
                written.getFD().sync();
            } catch (IOException e) {
                // Linux reports a lost write to one sync only: this one, so the store stops here, as the syncer's would.
                syncFailure(e, writtenGeneration);
            }
        }
    }

    /** The syncer's loop: each sync takes every write made before it to the disk, then tells their publishes. */
    private void syncLoop() {
        while (true) {
            List<Durable> told;
            RandomAccessFile synced;
            long syncedGeneration;
            lock.lock();
            try {
                while (unsynced.isEmpty() && !closing) {
                    toSync.awaitUninterruptibly();
                }
                if (unsynced.isEmpty()) {
                    return;
                }
                told = unsynced;
                unsynced = new ArrayList<>();
                synced = log;
                syncedGeneration = generation;
            } finally {
                lock.unlock();
            }
            HistoryUnavailableException failure;
            try {
                // fdatasync: the file's times need not survive, its length and data must.
                synced.getChannel().force(false);
                failure = failedElsewhere();
            } catch (IOException e) {
                failure = syncFailure(e, syncedGeneration);
            }
            tell(told, failure);
        }
    }

    /**
     * A sync that succeeded after another one failed (a close's, or a compaction's of the directory) proves nothing:
     * the kernel reports a lost write once.
     */
    private HistoryUnavailableException failedElsewhere() {
        lock.lock();
        try {
            return syncFailed == null ? null : writeFailure(syncFailed, null);
        } finally {
            lock.unlock();
        }
    }

    /** Why a sync failed; null when a compaction swapped the log meanwhile, having synced its copy of these writes. */
    private HistoryUnavailableException syncFailure(IOException e, long syncedGeneration) {
        lock.lock();
        try {
            if (generation != syncedGeneration) {
                return null;
            }
            // After a failed fsync the kernel may have dropped the pages: nothing written since can be trusted.
            syncFailed = DataDirectory.reason(e);
            return writeFailure(syncFailed, e);
        } finally {
            lock.unlock();
        }
    }

    /** Tells each append of a sync how it went, in order, as one task of the runner given. */
    private void tell(List<Durable> told, HistoryUnavailableException failure) {
        tells.execute(() -> {
            for (Durable then : told) {
                try {
                    then.then(failure);
                } catch (RuntimeException | Error e) {
                    // Reported, and the syncer goes on: every later publish depends on it.
                    Thread thread = Thread.currentThread();
                    thread.getUncaughtExceptionHandler().uncaughtException(thread, e);
                }
            }
        });
    }

    @Override
    public void tellThrough(Executor runner) {
        tells = runner;
    }

    /** The keeper's loop: writes the forgets no publish carried, and compacts the log when it is due. */
    private void keep() {
        while (!closing) {
            lock.lock();
            try {
                // Never interrupted: a compaction must not stop between its rename and taking the new log up.
                keeperWake.await(KEEPER_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
                writeUnwritten();
            } catch (IOException | InterruptedException e) {
                // Kept, and tried again with the next write.
            } finally {
                lock.unlock();
            }
            try {
                compactIfDue();
            } catch (RuntimeException | OutOfMemoryError e) {
                // Reported, and tried again once the log has grown: the keeper must go on writing forgets.
                Thread thread = Thread.currentThread();
                thread.getUncaughtExceptionHandler().uncaughtException(thread, e);
                putOffCompaction();
            }
        }
    }

    /**
     * Reads newest first, and stops at the first event past the bounds: a log never costs more memory than they.
     * The records are read with no lock held, on a handle of this read's own; a compaction meanwhile moved them, and
     * they are read again where they went.
     */
    @Override
    public List<KeptEvent> read(String channel, int maxEvents, long maxBytes, long notBeforeMillis) {
        for (int attempt = 1; ; attempt++) {
            long[] offsets;
            int[] lengths;
            long readGeneration;
            lock.lock();
            try {
                ChannelRecords records = channels.get(channel);
                offsets = records == null ? new long[0] : records.offsets();
                lengths = records == null ? new int[0] : records.lengths();
                readGeneration = generation;
            } finally {
                lock.unlock();
            }
            List<KeptEvent> events = new ArrayList<>();
            Exception failure = null;
            try (RandomAccessFile reader = new RandomAccessFile(file.toFile(), "r")) {
                long bytes = 0;
                for (int i = offsets.length - 1; i >= 0; i--) {
                    KeptEvent event = LogRecords.readEvent(reader, offsets[i], lengths[i]);
                    events.add(event);
                    bytes += event.frame().length;
                    if (events.size() > maxEvents || bytes > maxBytes || event.storedAtMillis() < notBeforeMillis) {
                        break;
                    }
                }
            } catch (IOException | RuntimeException e) {
                failure = e;
            }
            lock.lock();
            try {
                if (generation == readGeneration && failure == null) {
                    return events.reversed();
                }
                if (generation == readGeneration || attempt == 3) {
                    // The file's name is for the server's log, not for a subscriber.
                    throw new HistoryUnavailableException("the history of " + channel + " could not be read: "
                            + (failure == null ? "the log kept moving" : DataDirectory.reason(failure)), failure);
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Rewrites the log with only the records of kept events, once those let go pass {@link #COMPACT_PAST_BYTES}
     * and the kept ones. The kept records, then what publishes appended meanwhile, are copied and synced with no
     * lock held; then, locked, what was appended since is copied after them, the copy is synced, takes the log's
     * name and becomes the log (its handle opened before the rename, so that nothing after it can fail but the
     * directory's sync). A compaction that fails before the rename (a full disk) leaves the log as it was, and is
     * tried again once the log has grown.
     */
    private void compactIfDue() {
        Map<String, long[]> kept = new HashMap<>();
        Map<String, int[]> keptLengths = new HashMap<>();
        long copyThrough;
        long mark;
        lock.lock();
        try {
            long letGo = end - LogRecords.HEADER_BYTES - keptBytes;
            if (closing || syncFailed != null || end < compactNotBefore
                    || letGo < Math.max(COMPACT_PAST_BYTES, keptBytes)) {
                return;
            }
            copyThrough = end;
            mark = placesBelow;
            channels.forEach((name, records) -> {
                kept.put(name, records.offsets());
                keptLengths.put(name, records.lengths());
            });
        } finally {
            lock.unlock();
        }
        Path fresh = directory.fresh();
        RandomAccessFile target = null;
        RandomAccessFile old = null;
        try (RandomAccessFile source = new RandomAccessFile(file.toFile(), "r")) {
            target = new RandomAccessFile(fresh.toFile(), "rw");
            target.setLength(0);
            LogRecords head = new LogRecords();
            head.mark(mark);
            target.write(LogRecords.header());
            target.write(head.bytes(), 0, head.size());
            Map<String, long[]> moved = RecordCopier.copyKept(kept, keptLengths, source, target, () -> closing);
            long tailAt = target.getFilePointer();
            long copied = copyThrough + RecordCopier.copy(source, copyThrough, endNow() - copyThrough, target);
            target.getFD().sync();
            lock.lock();
            try {
                writeUnwritten();
                RecordCopier.copy(source, copied, end - copied, target);
                target.getFD().sync();
                long copyEnd = target.getFilePointer();
                directory.nameLog();
                // The copy is the log now: nothing below may fail.
                old = log;
                log = target;
                target = null;
                end = copyEnd;
                allocated = end;
                compactNotBefore = 0;
                generation++;
                channels.forEach((name, records) -> records.move(offset -> offset >= copyThrough
                        ? tailAt + offset - copyThrough
                        : moved.get(name)[java.util.Arrays.binarySearch(kept.get(name), offset)]));
                try {
                    directory.sync();
                } catch (IOException e) {
                    // The rename may not survive the machine stopping: nothing more is answered as on disk.
                    syncFailed = DataDirectory.reason(e);
                }
            } finally {
                lock.unlock();
            }
        } catch (IOException e) {
            putOffCompaction();
            try {
                Files.deleteIfExists(fresh);
            } catch (IOException ignored) {
                // Deleted at the next start.
            }
        } finally {
            closeQuietly(target);
            // Unlocked: closing waits for a sync of it under way on the syncer.
            closeQuietly(old);
        }
    }

    private long endNow() {
        lock.lock();
        try {
            return end;
        } finally {
            lock.unlock();
        }
    }

    /** Tries the next compaction only once the log has grown by the threshold again. */
    private void putOffCompaction() {
        lock.lock();
        try {
            compactNotBefore = end + COMPACT_PAST_BYTES;
        } finally {
            lock.unlock();
        }
    }

    /** Writes what waits, syncs, and lets go of the log and the directory. */
    @Override
    public void close() {
        lock.lock();
        try {
            closing = true;
            toSync.signalAll();
            keeperWake.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            syncer.join();
            keeper.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lock.lock();
        try {
            if (log != null) {
                writeUnwritten();
                cutBack();
                log.getFD().sync();
            }
        } catch (IOException ignored) {
            // Every commit is in: a forget not written is done again after the restart by the bounds.
        } finally {
            closeQuietly(log);
            lock.unlock();
        }
        directory.close();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            if (closeable != null) {
                closeable.close();
            }
        } catch (Exception ignored) {
            // The process lets go of it anyway.
        }
    }
}
