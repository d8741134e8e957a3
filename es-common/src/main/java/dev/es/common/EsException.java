package dev.es.common;

/** A failure to report to the user as one line, with the process exit code it maps to. */
public class EsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Exit code of a failure that has no more specific one. */
    public static final int FAILURE = 1;
    /** Exit code of bad usage: a wrong option or argument. */
    public static final int USAGE = 2;
    /** {@code es publish}: the data was empty or only white space, and {@code --allow-empty} was not given. */
    public static final int NOTHING_TO_PUBLISH = 3;
    /** Exit code when the server refused the token (403). */
    public static final int AUTH_REFUSED = 4;
    /** Exit code when the server could not be reached. */
    public static final int UNREACHABLE = 5;
    /** {@code es subscribe --no-gaps}: a resume had a gap, events in between are gone (refetch what you need). */
    public static final int GAP = 6;
    /** {@code es channels CHANNEL}: the hub has no such channel, so a script can test for one. */
    public static final int NO_SUCH_CHANNEL = 7;
    /** Exit code when a time limit passed with nothing done, as timeout(1) exits. */
    public static final int TIMEOUT = 124;
    /** Exit code after Ctrl-C, as a shell reports a process ended by SIGINT. */
    public static final int INTERRUPTED = 130;

    private final int exitCode;

    public EsException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public EsException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    /**
     * The message of the cause at the bottom of a failure (a refused connection under a library's wrappers): the
     * part of it a user can act on; its type's name when it has none.
     */
    public static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
