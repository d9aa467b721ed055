package dev.aligned.server.analysis;

/** The database could not be read or written; the message names what was being done. */
public final class AnalysisException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    AnalysisException(String message, Throwable cause) {
        super(message, cause);
    }
}
