package dev.es.server.store;

/** The data directory cannot be used: its message is one line naming the directory or file and why. */
public final class DataDirectoryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DataDirectoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
