package dev.aligned.store;

/** The database failed (cannot open, migrate, read or write); the message names the database and the step. */
public final class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
