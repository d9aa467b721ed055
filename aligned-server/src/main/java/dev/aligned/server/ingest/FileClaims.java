package dev.aligned.server.ingest;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/**
 * Shares the files of a watched directory between the nodes that watch it, so that one node at a time works on a
 * file. A node {@link #offer offers} the files it found, then {@link #claim claims} a batch, ingests and moves each
 * file, marks it {@link Batch#done done}, and closes the batch. A node that dies mid-batch gives its claims back.
 *
 * <ul>
 *   <li>{@link #postgres}: a {@code file_claims} table; offers are inserted once, a batch is
 *       {@code SELECT ... FOR UPDATE SKIP LOCKED} in a transaction held open while the node works, so nodes take
 *       disjoint batches of one directory at the same time.</li>
 *   <li>{@link #locking}: one {@link MailboxLock} per directory (a lock file beside a SQLite database for the
 *       processes of one machine): the node holding it works through the files it offered.</li>
 * </ul>
 *
 * <pre>{@code
 * FileClaims claims = FileClaims.forDatabase(jdbcUrl, password);
 * claims.offer(dir, List.of("a.xml", "sub/b.xml.gz"));
 * try (FileClaims.Batch b = claims.claim(dir, 100)) {
 *     for (String name : b.names()) { ...ingest, move...; b.done(name); }
 * }
 * }</pre>
 */
public interface FileClaims {

    /**
     * Records files found in {@code directory} (names relative to it, {@code /}-separated) as work to claim;
     * offering a name twice is harmless.
     *
     * @throws MailboxLock.LockUnavailableException when the database cannot be reached
     */
    void offer(Path directory, Collection<String> names);

    /**
     * Claims up to {@code max} offered files of {@code directory} that no other node holds. An empty batch when
     * there is nothing to claim or another node holds the directory.
     *
     * @throws MailboxLock.LockUnavailableException when the database or lock cannot be reached
     */
    Batch claim(Path directory, int max);

    /** Claimed files; closing gives back those not {@link #done}. */
    interface Batch extends AutoCloseable {
        /** The claimed names, oldest offer first. */
        List<String> names();

        /** The file is stored and moved (or was gone): nobody needs to claim it again. */
        void done(String name);

        /** Commits the {@link #done} marks and releases the claims. */
        @Override
        void close();
    }

    /** Claims in the PostgreSQL database at {@code jdbcUrl} (table {@code file_claims}, schema 2). */
    static FileClaims postgres(String jdbcUrl, Secret password) {
        return new PostgresFileClaims(jdbcUrl, password);
    }

    /** One lock per directory; the holder works through what this process offered. */
    static FileClaims locking(MailboxLock lock) {
        return new LockingFileClaims(lock);
    }

    /** {@link #postgres} for a PostgreSQL URL, otherwise {@link #locking} on {@link MailboxLock#forDatabase}. */
    static FileClaims forDatabase(String jdbcUrl, Secret password) {
        return jdbcUrl.startsWith("jdbc:postgresql:") ? postgres(jdbcUrl, password)
                : locking(MailboxLock.forDatabase(jdbcUrl, password));
    }
}
