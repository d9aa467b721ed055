package dev.aligned.server.ingest;

import dev.aligned.store.IngestFailure;
import dev.aligned.store.IngestResult;
import dev.aligned.store.Ingestor;
import dev.aligned.store.ReportOutcome;
import dev.aligned.store.StoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Ingests the report files of a directory tree (xml, gz, zip, eml, mbox, Maildirs) through the {@link Ingestor},
 * as {@code aligned import} does, every {@code poll_interval}. Files are left where they are; a file seen unchanged
 * (same size and modification time) is not read again by this process, and after a restart the store recognises
 * its bytes. Several nodes watching one directory store each report once (the store's keys decide).
 *
 * <pre>{@code
 * DirectorySource dir = new DirectorySource(new WatchedDirectory(Path.of("/var/spool/dmarc"), Duration.ofMinutes(1)),
 *         Ingestor.builder(store).build());
 * PollOutcome o = dir.pollOnce();
 * }</pre>
 */
public final class DirectorySource implements IngestSource {
    private final WatchedDirectory dir;
    private final Ingestor ingestor;
    private final Map<Path, String> seen = new HashMap<>();
    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile boolean stopped;

    public DirectorySource(WatchedDirectory dir, Ingestor ingestor) {
        this.dir = Objects.requireNonNull(dir, "dir");
        this.ingestor = Objects.requireNonNull(ingestor, "ingestor");
    }

    @Override
    public String name() {
        return dir.path().toString();
    }

    @Override
    public synchronized PollOutcome pollOnce() {
        if (!Files.isDirectory(dir.path())) {
            return new PollOutcome.Unavailable(name(), dir.path() + ": no such directory; create it or fix 'path'");
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir.path())) {
            s.filter(Files::isRegularFile).filter(DirectorySource::wanted).sorted().forEach(files::add);
        } catch (IOException | UncheckedIOException e) {
            return new PollOutcome.Unavailable(name(), dir.path() + ": cannot list directory: " + e.getMessage());
        }
        int inputs = 0;
        long fresh = 0;
        long dup = 0;
        long records = 0;
        List<IngestFailure> failures = new ArrayList<>();
        try {
            for (Path f : files) {
                if (stopped) {
                    break;
                }
                String stamp;
                try {
                    BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                    stamp = a.size() + "/" + a.lastModifiedTime().toMillis();
                } catch (IOException e) {
                    continue; // removed meanwhile
                }
                if (stamp.equals(seen.get(f))) {
                    continue;
                }
                inputs++;
                IngestResult r = ingestor.ingest(f);
                seen.put(f, stamp);
                fresh += r.newReports();
                dup += r.duplicates();
                records += r.records();
                for (ReportOutcome.Failed x : r.failures()) {
                    failures.add(new IngestFailure(x.source(), x.error()));
                }
            }
        } catch (StoreException e) {
            return new PollOutcome.Unavailable(name(), "report store: " + e.getMessage());
        }
        return new PollOutcome.Polled(name(), inputs, fresh, dup, records, failures, false);
    }

    @Override
    public void run(Consumer<PollOutcome> listener) {
        while (!stopped) {
            listener.accept(pollOnce());
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
