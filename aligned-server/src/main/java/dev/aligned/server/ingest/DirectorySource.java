package dev.aligned.server.ingest;

import dev.aligned.store.IngestFailure;
import dev.aligned.store.IngestResult;
import dev.aligned.store.Ingestor;
import dev.aligned.store.ReportOutcome;
import dev.aligned.store.StoreException;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Ingests the report files of a directory tree (xml, gz, zip, eml, mbox, Maildirs) through the {@link Ingestor},
 * as {@code aligned import} does, every {@code poll_interval}.
 *
 * <p>Files found are offered to the {@link FileClaims}, and the node works on the batch it claims, so several
 * nodes watching one directory never work on the same file at once (on PostgreSQL they share the work; on SQLite
 * one process at a time holds the directory). With a processed folder ({@link WatchedDirectory#movesFiles()}) a
 * file is moved there, or to the error folder when it failed, only after the store has committed it; a file
 * modified in the last two seconds is left for the next poll (it may still be being written; writers should
 * write under a hidden name and rename). Without, files stay where they are: a file seen unchanged (same size
 * and modification time) is not read again by this process, and after a restart the store recognises its bytes.
 *
 * <pre>{@code
 * DirectorySource dir = new DirectorySource(
 *         WatchedDirectory.moving(Path.of("/var/spool/dmarc"), Duration.ofMinutes(1),
 *                 Path.of("/var/spool/dmarc-done"), Path.of("/var/spool/dmarc-error")),
 *         Ingestor.builder(store).build(), FileClaims.forDatabase(jdbcUrl, password), Clock.systemUTC());
 * PollOutcome o = dir.pollOnce();
 * }</pre>
 */
public final class DirectorySource implements IngestSource {
    /** Files claimed and ingested per poll; a poll that reaches it says {@code more}. */
    public static final int MAX_FILES_PER_POLL = 100;
    private static final Duration SETTLE = Duration.ofSeconds(2);

    private final WatchedDirectory dir;
    private final Ingestor ingestor;
    private final FileClaims claims;
    private final Clock clock;
    private final Map<Path, String> seen = new HashMap<>();
    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile boolean stopped;

    /** A directory read by this process only (claims held in this JVM). */
    public DirectorySource(WatchedDirectory dir, Ingestor ingestor) {
        this(dir, ingestor, FileClaims.locking(MailboxLock.inProcess()), Clock.systemUTC());
    }

    /** A directory shared with the other nodes that use the same {@code claims}. */
    public DirectorySource(WatchedDirectory dir, Ingestor ingestor, FileClaims claims, Clock clock) {
        this.dir = Objects.requireNonNull(dir, "dir");
        this.ingestor = Objects.requireNonNull(ingestor, "ingestor");
        this.claims = Objects.requireNonNull(claims, "claims");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public String name() {
        return dir.path().toString();
    }

    @Override
    public synchronized PollOutcome pollOnce() {
        Path root = dir.path();
        if (!Files.isDirectory(root)) {
            return new PollOutcome.Unavailable(name(), root + ": no such directory; create it or fix 'path'");
        }
        List<Path> files;
        try {
            files = list();
        } catch (IOException e) {
            return new PollOutcome.Unavailable(name(), root + ": cannot list directory: " + e.getMessage());
        }
        long settled = clock.millis() - SETTLE.toMillis();
        List<String> found = new ArrayList<>();
        Map<Path, String> stamps = new HashMap<>();
        Set<Path> present = new HashSet<>();
        for (Path f : files) {
            BasicFileAttributes a;
            try {
                a = Files.readAttributes(f, BasicFileAttributes.class);
            } catch (IOException e) {
                continue; // removed meanwhile (another node moved it)
            }
            present.add(f);
            String stamp = a.size() + "/" + a.lastModifiedTime().toMillis();
            if (stamp.equals(seen.get(f)) || dir.movesFiles() && a.lastModifiedTime().toMillis() > settled) {
                continue;
            }
            stamps.put(f, stamp);
            found.add(relative(f));
        }
        seen.keySet().retainAll(present);
        int inputs = 0;
        long fresh = 0;
        long dup = 0;
        long records = 0;
        List<IngestFailure> failures = new ArrayList<>();
        int claimed;
        try {
            claims.offer(root, found);
            seen.putAll(stamps); // only once offered: a file whose offer failed is offered again next poll
            try (FileClaims.Batch batch = claims.claim(root, MAX_FILES_PER_POLL)) {
                claimed = batch.names().size();
                for (String n : batch.names()) {
                    if (stopped) {
                        break;
                    }
                    Path f = root.resolve(n);
                    if (!Files.isRegularFile(f)) {
                        batch.done(n); // another node stored and moved it
                        continue;
                    }
                    inputs++;
                    IngestResult r = ingestor.ingest(f);
                    fresh += r.newReports();
                    dup += r.duplicates();
                    records += r.records();
                    for (ReportOutcome.Failed x : r.failures()) {
                        failures.add(new IngestFailure(x.source(), x.error()));
                    }
                    if (dir.movesFiles()) {
                        String moveError = move(f, n, r.failures().isEmpty());
                        if (moveError != null) {
                            failures.add(new IngestFailure(f.toString(), moveError));
                            continue; // not done: claimed again, found stored, moved then
                        }
                    }
                    batch.done(n);
                }
            }
        } catch (StoreException e) {
            return new PollOutcome.Unavailable(name(), "report store: " + e.getMessage());
        } catch (MailboxLock.LockUnavailableException e) {
            return new PollOutcome.Unavailable(name(), e.getMessage());
        }
        return new PollOutcome.Polled(name(), inputs, fresh, dup, records, failures,
                !stopped && claimed >= MAX_FILES_PER_POLL);
    }

    private String relative(Path f) {
        return dir.path().relativize(f).toString().replace(f.getFileSystem().getSeparator(), "/");
    }

    /** The wanted regular files under the directory, skipping the processed and error folders. */
    private List<Path> list() throws IOException {
        List<Path> out = new ArrayList<>();
        Set<Path> skip = new HashSet<>();
        dir.processedFolder().ifPresent(skip::add);
        dir.errorFolder().ifPresent(skip::add);
        Files.walkFileTree(dir.path(), new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                return skip.contains(d) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile() && wanted(file)) {
                    out.add(file);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (file.equals(dir.path())) {
                    throw e;
                }
                return FileVisitResult.CONTINUE; // gone meanwhile, or unreadable: the next poll sees it again
            }
        });
        out.sort(null);
        return out;
    }

    /** Moves a committed file to the processed or error folder; null, or what went wrong. */
    private String move(Path f, String name, boolean ok) {
        Path folder = (ok ? dir.processedFolder() : dir.errorFolder()).orElseThrow();
        Path target = folder.resolve(name).normalize();
        try {
            Files.createDirectories(target.getParent());
            for (int n = 1; Files.exists(target); n++) {
                target = target.resolveSibling(n + "-" + Path.of(name).getFileName());
            }
            try {
                Files.move(f, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(f, target);
            }
            return null;
        } catch (NoSuchFileException e) {
            return Files.exists(f) ? f + ": stored, but cannot move it to " + target + ": " + e.getMessage() : null;
        } catch (IOException e) {
            return f + ": stored, but cannot move it to " + target + ": " + e + "; check the folder's permissions";
        }
    }

    @Override
    public void run(Consumer<PollOutcome> listener) {
        while (!stopped) {
            PollOutcome o = pollOnce();
            listener.accept(o);
            if (o instanceof PollOutcome.Polled p && p.more()) {
                continue;
            }
            try {
                stop.await(dir.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void stop() {
        stopped = true;
        stop.countDown();
    }

    /** Skips hidden files, Maildir bookkeeping, and messages still being delivered (Maildir {@code tmp/}). */
    public static boolean wanted(Path file) {
        String name = file.getFileName().toString();
        String lower = name.toLowerCase(Locale.ROOT);
        if (name.startsWith(".") || lower.startsWith("dovecot") || lower.equals("maildirfolder")
                || lower.equals("subscriptions") || lower.startsWith("courierimap")) {
            return false;
        }
        Path parent = file.getParent();
        if (parent != null && parent.getFileName() != null && parent.getFileName().toString().equals("tmp")) {
            Path maildir = parent.getParent();
            return maildir == null || !(Files.isDirectory(maildir.resolve("cur")) && Files.isDirectory(maildir.resolve("new")));
        }
        return true;
    }
}
