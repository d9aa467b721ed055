package dev.aligned.server.ingest;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes sure that only one poller at a time reads a mailbox: in one process ({@link #inProcess()}), or across every
 * node sharing one PostgreSQL database ({@link #postgres}: a session-level {@code pg_try_advisory_lock} on a key
 * derived from the mailbox, released when the lease is closed or the node's connection dies).
 *
 * <pre>{@code
 * MailboxLock lock = MailboxLock.postgres("jdbc:postgresql://db/aligned?user=aligned", Secret.of(pw));
 * try (MailboxLock.Lease lease = lock.tryLock(mailbox.url()).orElse(null)) {
 *     if (lease != null) { ... poll ... }
 * }
 * }</pre>
 */
public interface MailboxLock {

    /** A held lock; closing releases it. */
    interface Lease extends AutoCloseable {
        /** Whether the lock is still held (a PostgreSQL lease is lost with its connection). */
        boolean isValid();

        @Override
        void close();
    }

    /**
     * Takes the lock on {@code mailboxKey} if nobody holds it; empty when another poller does.
     *
     * @throws LockUnavailableException when the lock service (the database) cannot be reached
     */
    Optional<Lease> tryLock(String mailboxKey);

    /** A lock shared by the pollers of this JVM only (SQLite: one node). */
    static MailboxLock inProcess() {
        Set<String> held = ConcurrentHashMap.newKeySet();
        return key -> {
            if (!held.add(key)) {
                return Optional.empty();
            }
            return Optional.of(new Lease() {
                private volatile boolean open = true;

                @Override
                public boolean isValid() {
                    return open;
                }

                @Override
                public void close() {
                    if (open) {
                        open = false;
                        held.remove(key);
                    }
                }
            });
        };
    }

    /**
     * Lock files in {@code directory} (next to a SQLite database): {@code FileChannel.tryLock} on
     * {@code aligned-mailbox-KEY.lock}, exclusive between the processes of one machine and released when the lease
     * is closed or the process dies.
     */
    static MailboxLock files(java.nio.file.Path directory) {
        return new FileMailboxLock(directory);
    }

    /** Advisory locks in the PostgreSQL database at {@code jdbcUrl}; each lease holds its own connection. */
    static MailboxLock postgres(String jdbcUrl, Secret password) {
        return new PostgresMailboxLock(jdbcUrl, password);
    }

    /**
     * The guard that fits the report store at {@code jdbcUrl}: advisory locks for PostgreSQL, lock files beside a
     * SQLite file ({@link #files}), this process only for an in-memory SQLite database.
     */
    static MailboxLock forDatabase(String jdbcUrl, Secret password) {
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            return postgres(jdbcUrl, password);
        }
        java.util.Optional<java.nio.file.Path> dir = sqliteDirectory(jdbcUrl);
        return dir.isPresent() ? files(dir.get()) : inProcess();
    }

    /** The directory holding the SQLite file of {@code jdbcUrl}; empty for PostgreSQL and in-memory databases. */
    static java.util.Optional<java.nio.file.Path> sqliteDirectory(String jdbcUrl) {
        if (!jdbcUrl.startsWith("jdbc:sqlite:")) {
            return java.util.Optional.empty();
        }
        String path = jdbcUrl.substring("jdbc:sqlite:".length()).replaceAll("\\?.*", "");
        path = path.startsWith("file:") ? path.substring(5) : path;
        if (path.isEmpty() || path.startsWith(":memory:")) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.ofNullable(java.nio.file.Path.of(path).toAbsolutePath().getParent());
    }

    /** The 64-bit advisory lock key of a mailbox: the first eight bytes of SHA-256("aligned-mailbox:" + key). */
    static long lockKey(String mailboxKey) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256")
                    .digest(("aligned-mailbox:" + mailboxKey).getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(d, 0, 8).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** The lock service cannot be reached; the message names it (never its password). */
    final class LockUnavailableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public LockUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
