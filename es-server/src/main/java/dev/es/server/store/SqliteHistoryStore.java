package dev.es.server.store;

import dev.es.server.hub.HistoryStore;
import dev.es.server.hub.HistoryUnavailableException;
import dev.es.server.hub.Hub;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Channels' history in a SQLite file in the data directory ({@code es serve --data}): one table keyed by
 * (channel, place), WAL mode, written by one thread that commits whatever is waiting in one transaction and one
 * sync (group commit), then tells each event's publish, in order, on that thread. A lock file keeps a second
 * server off the directory. DESIGN.md, "History on disk", says why it is built so.
 */
public final class SqliteHistoryStore implements HistoryStore, AutoCloseable {

    /** The database's name in the data directory. */
    public static final String FILE_NAME = "history.db";
    private static final String LOCK_NAME = "es.lock";
    /** Marks a file as es's history ("esHD"), whatever its name. */
    private static final int APPLICATION_ID = 0x65734844;
    /** The layout this code reads and writes; a file of another is refused rather than guessed at. */
    private static final int FORMAT = 1;
    /** At most this many changes in one commit, so that one transaction stays small however many wait. */
    private static final int MAX_BATCH = 4096;
    /**
     * How far past the last place given the recorded next place is set, so that it is written once in this many
     * places rather than in every commit (a page of its own each time). A restart skips at most this many: places
     * are microseconds since the hub started, so about a second's worth.
     */
    static final long PLACES_RESERVED = 1_000_000;

    /** What the writer does: store an event (and tell its publish), or forget a channel's oldest. */
    private sealed interface Change permits Append, Forget {}

    private record Append(String channel, long place, String id, byte[] frame, long storedAtMillis, Durable then)
            implements Change {}

    private record Forget(String channel, long throughPlace) implements Change {}

    private final Path file;
    private final FileChannel lockFile;
    private final Connection db;
    private final PreparedStatement insert;
    private final PreparedStatement delete;
    private final PreparedStatement next;
    /** A channel's events are read on a connection of their own, one read at a time, beside the writer's. */
    private final Connection reader;
    private final PreparedStatement readChannel;
    private final BlockingQueue<Change> waiting = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean closing;
    /** Runs each commit's tells, here on the writer ({@link #tellThrough}). */
    private volatile Executor tells = Runnable::run;
    /**
     * The next place recorded in the file (0 while none is): every place given is below it. The writer's alone once
     * it runs.
     */
    private long placesRecordedBelow;

    private SqliteHistoryStore(Path file, FileChannel lockFile, Connection db, Connection reader) throws SQLException {
        this.file = file;
        this.lockFile = lockFile;
        this.db = db;
        this.reader = reader;
        readChannel = reader.prepareStatement("SELECT place, id, frame, stored_at FROM events WHERE channel = ? ORDER BY place DESC");
        insert = db.prepareStatement("INSERT OR REPLACE INTO events (channel, place, id, frame, stored_at) VALUES (?, ?, ?, ?, ?)");
        delete = db.prepareStatement("DELETE FROM events WHERE channel = ? AND place <= ?");
        next = db.prepareStatement("INSERT OR REPLACE INTO meta (key, value) VALUES ('next_place', ?)");
        writer = Thread.ofPlatform().name("es-history-writer").daemon().unstarted(this::write);
    }

    /**
     * Opens (making it if needed) the history in a data directory, and locks the directory for this process.
     *
     * @param syncEachCommit whether a commit waits for the disk (survives power loss), or only for the operating
     *     system (survives the process being killed)
     * @throws DataDirectoryException when the directory cannot be made or written, another server holds it, or
     *     its database is corrupt or of a format this es does not know
     */
    public static SqliteHistoryStore open(Path directory, boolean syncEachCommit) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new DataDirectoryException("cannot make the data directory " + directory + ": " + reason(e), e);
        }
        Path lockPath = directory.resolve(LOCK_NAME);
        FileChannel lockFile;
        try {
            lockFile = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new DataDirectoryException("cannot write in the data directory " + directory + ": " + reason(e), e);
        }
        try {
            FileLock lock = lockFile.tryLock();
            if (lock == null) {
                throw new DataDirectoryException("the data directory " + directory
                        + " is in use by another es serve (it holds " + lockPath + ")", null);
            }
            Path file = directory.resolve(FILE_NAME);
            Connection db = DriverManager.getConnection("jdbc:sqlite:" + file);
            SqliteLibraryCopy.deleteLoaded();
            Connection reader = null;
            try {
                prepare(db, file, syncEachCommit);
                reader = DriverManager.getConnection("jdbc:sqlite:" + file);
                return new SqliteHistoryStore(file, lockFile, db, reader);
            } catch (SQLException | RuntimeException e) {
                db.close();
                if (reader != null) {
                    reader.close();
                }
                throw e;
            }
        } catch (IOException | SQLException e) {
            closeQuietly(lockFile);
            throw new DataDirectoryException(directory.resolve(FILE_NAME) + " cannot be used as es's history: "
                    + reason(e), e);
        } catch (RuntimeException e) {
            closeQuietly(lockFile);
            throw e;
        }
    }

    /** Checks the file is es's history of a known format (making it when new), and sets how it is written. */
    private static void prepare(Connection db, Path file, boolean syncEachCommit) throws SQLException {
        try (Statement sql = db.createStatement()) {
            int format = intPragma(sql, "user_version");
            int application = intPragma(sql, "application_id");
            boolean empty;
            try (ResultSet tables = sql.executeQuery("SELECT count(*) FROM sqlite_master")) {
                empty = tables.getInt(1) == 0;
            }
            if (!empty && application != APPLICATION_ID) {
                throw new DataDirectoryException(file + " is not es's history (some other SQLite database)", null);
            }
            if (!empty && format != FORMAT) {
                throw new DataDirectoryException(file + " is history of format " + format + ", which this es does not"
                        + " know (it knows " + FORMAT + "): a newer es wrote it", null);
            }
            sql.execute("PRAGMA journal_mode = WAL");
            // In WAL mode NORMAL syncs at checkpoints only: a commit survives the process, not the machine.
            sql.execute("PRAGMA synchronous = " + (syncEachCommit ? "FULL" : "NORMAL"));
            // The log is cut back after each checkpoint rather than left at its largest.
            sql.execute("PRAGMA journal_size_limit = 67108864");
            if (empty) {
                sql.execute("PRAGMA application_id = " + APPLICATION_ID);
                sql.execute("PRAGMA user_version = " + FORMAT);
                sql.execute("CREATE TABLE events (channel TEXT NOT NULL, place INTEGER NOT NULL, id TEXT NOT NULL,"
                        + " frame BLOB NOT NULL, stored_at INTEGER NOT NULL, PRIMARY KEY (channel, place)) WITHOUT ROWID");
                sql.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID");
            }
            // Reads the schema through: a damaged file fails here, at start, not at the first publish.
            sql.executeQuery("SELECT count(*) FROM meta").close();
        }
        db.setAutoCommit(false);
    }

    private static int intPragma(Statement sql, String name) throws SQLException {
        try (ResultSet result = sql.executeQuery("PRAGMA " + name)) {
            return result.getInt(1);
        }
    }

    /**
     * Gives the hub back every channel with events kept, each known by its newest event (its events are read when
     * the hub first asks for them: {@link #read}), and the place it numbers from; then starts writing. Called
     * once, before the hub takes publishes. The channels are found from the newest backwards, one seek per
     * channel, so that a start reads no event but each channel's newest.
     *
     * @return how many channels have events kept
     */
    public int restoreChannelsInto(Hub hub) {
        int channels = 0;
        try (Statement sql = db.createStatement();
                PreparedStatement before = db.prepareStatement("SELECT channel, place, id, stored_at FROM events"
                        + " WHERE channel < ? ORDER BY channel DESC, place DESC LIMIT 1")) {
            KeptChannel kept = newest(sql.executeQuery(
                    "SELECT channel, place, id, stored_at FROM events ORDER BY channel DESC, place DESC LIMIT 1"));
            while (kept != null) {
                hub.restore(kept);
                channels++;
                before.setString(1, kept.name());
                kept = newest(before.executeQuery());
            }
            try (ResultSet row = sql.executeQuery("SELECT value FROM meta WHERE key = 'next_place'")) {
                if (row.next()) {
                    placesRecordedBelow = row.getLong(1);
                    hub.orderFrom(placesRecordedBelow);
                }
            }
            db.commit();
        } catch (SQLException e) {
            throw new DataDirectoryException(file + " cannot be read: " + reason(e), e);
        }
        // Only now: the writer shares the one connection, and the reading above has it.
        writer.start();
        return channels;
    }

    /** The one row a query for a channel's newest event found, or null. */
    private static KeptChannel newest(ResultSet row) throws SQLException {
        try (row) {
            return row.next() ? new KeptChannel(row.getString(1), row.getLong(2), row.getString(3), row.getLong(4)) : null;
        }
    }

    /** Reads newest first, and stops at the first event past the bounds: a file never costs more memory than they. */
    @Override
    public synchronized List<KeptEvent> read(String channel, int maxEvents, long maxBytes, long notBeforeMillis) {
        List<KeptEvent> events = new ArrayList<>();
        try {
            readChannel.setString(1, channel);
            try (ResultSet rows = readChannel.executeQuery()) {
                long bytes = 0;
                while (rows.next()) {
                    KeptEvent event = new KeptEvent(rows.getLong(1), rows.getString(2), rows.getBytes(3), rows.getLong(4));
                    events.add(event);
                    bytes += event.frame().length;
                    if (events.size() > maxEvents || bytes > maxBytes || event.storedAtMillis() < notBeforeMillis) {
                        break;
                    }
                }
            }
        } catch (SQLException e) {
            // The file's name is for the server's log, not for a subscriber.
            throw new HistoryUnavailableException("the history of " + channel + " could not be read: " + reason(e), e);
        }
        return events.reversed();
    }

    @Override
    public void append(String channel, long place, String id, byte[] frame, long storedAtMillis, Durable then) {
        if (closing) {
            throw new HistoryUnavailableException("the server is stopping", null);
        }
        waiting.add(new Append(channel, place, id, frame, storedAtMillis, then));
        if (closing && !writer.isAlive()) {
            // Came as the store closed, after its writer's last look: told here, so that its publish is answered.
            refuseLeftovers();
        }
    }

    /** Tells every append still waiting once the writer has gone that it was not stored (the server stopped). */
    private void refuseLeftovers() {
        List<Change> left = new ArrayList<>();
        waiting.drainTo(left);
        tell(left, new HistoryUnavailableException("the server is stopping", null));
    }

    @Override
    public void forget(String channel, long throughPlace) {
        waiting.add(new Forget(channel, throughPlace));
    }

    /** The writer's loop: everything waiting goes in one commit, until the store closes and nothing waits. */
    private void write() {
        List<Change> batch = new ArrayList<>();
        while (!(closing && waiting.isEmpty())) {
            Change first;
            try {
                first = waiting.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                continue;
            }
            if (first == null) {
                continue;
            }
            batch.add(first);
            waiting.drainTo(batch, MAX_BATCH - 1);
            commit(batch);
            batch.clear();
        }
    }

    private void commit(List<Change> batch) {
        Map<String, Long> forgets = new HashMap<>();
        long last = -1;
        try {
            for (Change change : batch) {
                switch (change) {
                    case Append append -> {
                        insert.setString(1, append.channel());
                        insert.setLong(2, append.place());
                        insert.setString(3, append.id());
                        insert.setBytes(4, append.frame());
                        insert.setLong(5, append.storedAtMillis());
                        insert.addBatch();
                        last = Math.max(last, append.place());
                    }
                    // Places only grow, so forgetting through the largest asked for does each ask at once.
                    case Forget forget -> forgets.merge(forget.channel(), forget.throughPlace(), Math::max);
                }
            }
            insert.executeBatch();
            for (Map.Entry<String, Long> forget : forgets.entrySet()) {
                delete.setString(1, forget.getKey());
                delete.setLong(2, forget.getValue());
                delete.addBatch();
            }
            delete.executeBatch();
            long recorded = placesRecordedBelow;
            if (last >= recorded) {
                // After a restart the hub numbers past every place it gave, even of events forgotten since.
                recorded = last + PLACES_RESERVED;
                next.setLong(1, recorded);
                next.executeUpdate();
            }
            db.commit();
            placesRecordedBelow = recorded;
        } catch (SQLException e) {
            rollBack();
            HistoryUnavailableException failure = new HistoryUnavailableException(
                    "the history could not be written to " + file + ": " + reason(e), e);
            for (Change change : batch) {
                if (change instanceof Forget forget) {
                    // Still to be done: tried again with the next commit.
                    waiting.add(forget);
                }
            }
            tell(batch, failure);
            return;
        }
        tell(batch, null);
    }

    /**
     * Tells each append of a commit how it went, in order, as one task of the runner given; what a publish then
     * does (deliver, answer) cannot stop the writer.
     */
    private void tell(List<Change> batch, HistoryUnavailableException failure) {
        // A list of its own: the writer reuses the batch's once this returns, and a runner may run later.
        List<Durable> told = new ArrayList<>(batch.size());
        for (Change change : batch) {
            if (change instanceof Append append) {
                told.add(append.then());
            }
        }
        tells.execute(() -> {
            for (Durable then : told) {
                try {
                    then.then(failure);
                } catch (RuntimeException | Error e) {
                    // Reported, and the writer goes on: every later publish depends on it.
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

    /**
     * Undoes a failed commit and starts the next transaction afresh: SQLite may have rolled back by itself (a full
     * disk does), which the driver does not see, so a plain rollback is not enough to write again.
     */
    private void rollBack() {
        try {
            insert.clearBatch();
            delete.clearBatch();
            db.rollback();
        } catch (SQLException alreadyRolledBack) {
            // Ended below all the same.
        }
        try {
            db.setAutoCommit(true);
        } catch (SQLException noTransaction) {
            // The driver leaves its transaction here whether or not SQLite still had one.
        }
        try {
            db.setAutoCommit(false);
        } catch (SQLException e) {
            // The next commit fails too, and says why.
        }
    }

    /** Writes what waits, then closes the database and lets go of the directory. */
    @Override
    public void close() {
        closing = true;
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        refuseLeftovers();
        // Not while a read is under way on the reader.
        synchronized (this) {
            for (Connection connection : List.of(reader, db)) {
                try {
                    connection.close();
                } catch (SQLException ignored) {
                    // Every commit is in: nothing is lost by a close that fails.
                }
            }
        }
        closeQuietly(lockFile);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Its lock goes with the process anyway.
        }
    }

    /** A failure's own words, without the driver's prefixes. */
    private static String reason(Exception e) {
        if (e instanceof java.nio.file.FileSystemException files && files.getReason() != null) {
            return files.getReason().toLowerCase(java.util.Locale.ROOT);
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.replaceFirst("^\\[SQLITE_[A-Z_]+]\\s*", "").lines().findFirst().orElse(message);
    }
}
