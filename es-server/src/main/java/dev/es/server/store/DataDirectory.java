package dev.es.server.store;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The data directory of {@code es serve --data}, locked for this process (a lock file keeps a second server off):
 * where the history log lives, and where a new log is written before it takes the log's name.
 */
final class DataDirectory implements AutoCloseable {

    private static final String LOCK_NAME = "es.lock";
    /** Where a new or compacted log is written before it takes the log's name. */
    private static final String NEW_NAME = "history.log.new";
    /** What es kept history in before this log (SQLite): refused, never taken for an empty history. */
    private static final String SQLITE_NAME = "history.db";
    private static final Pattern IN_PARENTHESES = Pattern.compile("\\(([^()]+)\\)$");
    /**
     * The directories this process holds: a second lock taken in the same process would not be refused by the
     * system, and closing its file would let go of the first (POSIX locks belong to the process).
     */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path directory;
    /** Its real path, as {@link #HELD} knows it. */
    private final Path held;
    private final FileChannel lockFile;

    private DataDirectory(Path directory, Path held, FileChannel lockFile) {
        this.directory = directory;
        this.held = held;
        this.lockFile = lockFile;
    }

    private static DataDirectoryException inUse(Path directory, Path lockPath) {
        return new DataDirectoryException("the data directory " + directory + " is in use by another es serve (it holds "
                + lockPath + ")", null);
    }

    /**
     * Makes the directory if needed and locks it for this process; a new log written there by an earlier run that
     * stopped before renaming it is deleted (which also proves the directory writable: compactions write there).
     *
     * @throws DataDirectoryException when the directory cannot be made or written, another server holds it, or
     *     it holds an earlier es's SQLite history and no log
     */
    static DataDirectory lock(Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new DataDirectoryException("cannot make the data directory " + directory + ": " + reason(e), e);
        }
        Path lockPath = directory.resolve(LOCK_NAME);
        Path held;
        try {
            held = directory.toRealPath();
        } catch (IOException e) {
            throw new DataDirectoryException("cannot use the data directory " + directory + ": " + reason(e), e);
        }
        if (!HELD.add(held)) {
            throw inUse(directory, lockPath);
        }
        FileChannel lockFile;
        try {
            lockFile = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            HELD.remove(held);
            throw new DataDirectoryException("cannot write in the data directory " + directory + ": " + reason(e), e);
        }
        DataDirectory locked = new DataDirectory(directory, held, lockFile);
        try {
            FileLock lock = lockFile.tryLock();
            if (lock == null) {
                throw inUse(directory, lockPath);
            }
            if (Files.exists(directory.resolve(SQLITE_NAME)) && !Files.exists(locked.log())) {
                throw new DataDirectoryException(directory.resolve(SQLITE_NAME) + " cannot be used as es's history:"
                        + " it is an earlier es's SQLite history, which this es does not read", null);
            }
            Files.deleteIfExists(locked.fresh());
            Files.newOutputStream(locked.fresh()).close();
            Files.delete(locked.fresh());
            return locked;
        } catch (IOException e) {
            locked.close();
            throw new DataDirectoryException("cannot write in the data directory " + directory + ": " + reason(e), e);
        } catch (RuntimeException e) {
            locked.close();
            throw e;
        }
    }

    /** The history log. */
    Path log() {
        return directory.resolve(LogHistoryStore.FILE_NAME);
    }

    /** Where a new log is written before it takes the log's name ({@link #nameLog}). */
    Path fresh() {
        return directory.resolve(NEW_NAME);
    }

    /** Makes a new log, its header alone, when there is none. */
    void createLogIfMissing() throws IOException {
        if (Files.exists(log())) {
            return;
        }
        try (RandomAccessFile target = new RandomAccessFile(fresh().toFile(), "rw")) {
            target.setLength(0);
            target.write(LogRecords.header());
            target.getFD().sync();
        }
        nameLog();
        sync();
    }

    /** Gives the new log (written and synced) the log's name; {@link #sync} makes that survive the machine stopping. */
    void nameLog() throws IOException {
        Files.move(fresh(), log(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Syncs the directory, so that a file's new name survives the machine stopping. */
    void sync() throws IOException {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }

    /** Lets go of the directory. */
    @Override
    public void close() {
        try {
            lockFile.close();
        } catch (IOException ignored) {
            // Its lock goes with the process anyway.
        } finally {
            HELD.remove(held);
        }
    }

    /** A failure's own words, without a path before them. */
    static String reason(Exception e) {
        if (e instanceof FileSystemException files && files.getReason() != null) {
            return files.getReason().toLowerCase(Locale.ROOT);
        }
        if (e instanceof FileAlreadyExistsException) {
            return "a file of that name is in the way";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        // RandomAccessFile says "<path> (No space left on device)": the reason is in the parentheses.
        Matcher inParentheses = IN_PARENTHESES.matcher(message);
        return (inParentheses.find() ? inParentheses.group(1) : message).toLowerCase(Locale.ROOT);
    }
}
