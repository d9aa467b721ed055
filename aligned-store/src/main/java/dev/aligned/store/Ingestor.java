package dev.aligned.store;

import dev.aligned.report.ReportReader;
import dev.aligned.report.ReportResult;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Ingests report inputs exactly once: archives the original bytes ({@link ReportStore#archive}), reads them with
 * a {@link ReportReader} (xml, gzip, zip, e-mail, mbox), stores the results ({@link ReportStore#store}).
 * Re-ingesting bytes already parsed costs one hash and one lookup; bytes archived but not parsed (a crash, or a
 * failure an upgraded reader may now read) are parsed again.
 *
 * <pre>{@code
 * Ingestor ingestor = Ingestor.builder(store).reader(ReportReader.create()).build();
 * IngestResult r = ingestor.ingest(Path.of("report.xml.gz"));
 * System.out.println(r.newReports() + " new, " + r.duplicates() + " duplicate, " + r.failures());
 * ingestor.resumePending();   // after a crash: parse what was archived but not stored
 * }</pre>
 */
public final class Ingestor {
    private final ReportStore store;
    private final ReportReader reader;
    private final long maxInputBytes;
    private final int handoffRecords;

    private Ingestor(Builder b) {
        this.store = b.store;
        this.reader = b.reader;
        this.maxInputBytes = b.maxInputBytes;
        this.handoffRecords = b.handoffRecords;
    }

    /** A builder over {@code store}. */
    public static Builder builder(ReportStore store) {
        return new Builder(store);
    }

    /** Ingests one file. A file that cannot be read or exceeds the size limit is a failed outcome. */
    public IngestResult ingest(Path file) {
        return finish(stage(file));
    }

    /** A transaction of {@link #ingestAll} is committed once it holds this many records... */
    static final int BATCH_RECORDS = 250_000;
    /** ... or this many files ... */
    static final int BATCH_FILES = 256;
    /** ... or this many bytes of input ... */
    static final long BATCH_BYTES = 64L << 20;
    /** ... or when it has been open this long, whichever comes first. */
    static final long BATCH_NANOS = 5_000_000_000L;

    /**
     * Parsed files wait between the parsing thread and the storing one, while they hold up to this many records in
     * all (about ten reports of 5,000 records; {@link #handoffWeight}) ...
     */
    static final int HANDOFF_RECORDS = 50_000;
    /** ... and up to this many files. */
    static final int HANDOFF_FILES = 64;

    /**
     * Ingests {@code files} in order, handing each result to {@code each} on the calling thread once it is
     * committed, with the same outcome as {@link #ingest(Path)} file by file, but faster:
     * <ul>
     * <li>one thread reads, hashes, compresses and parses the next files (and sums their rollup rows) while the
     * calling thread stores the previous ones, so on two cores an import costs about the slower of parse and store
     * rather than their sum. Parsed files holding up to 50,000 records in all (at most 64 files) wait between the
     * two, so that the parser goes on while a commit waits for its fsync;</li>
     * <li>files are committed together ({@link ReportStore#archiveAndStore}: one transaction, one fsync, for up to
     * 256 files, 250,000 records, 64 MiB of input or five seconds, whichever comes first) instead of two
     * transactions per file. The rows of a report are written as it arrives; the transaction then keeps only the
     * bytes of the files it wrote (a PostgreSQL deadlock retries it: they are parsed again), so its memory is
     * bounded by the 64 MiB of input, not by its parsed reports.</li>
     * </ul>
     * Exactly once: a transaction's blobs and reports commit together. A crash (kill -9) before the commit leaves
     * nothing of its files in the store, and importing the same files again stores them; files committed before
     * are recognised by their bytes. Unlike {@link #ingest(Path)}, a file whose bytes are already stored is parsed
     * before that is noticed (the lookup happens in the transaction). A {@link StoreException} from either stage
     * stops the import and is thrown here; results already handed to {@code each} stay committed.
     */
    public void ingestAll(List<Path> files, Consumer<IngestResult> each) {
        Objects.requireNonNull(each, "each");
        List<Path> todo = List.copyOf(files);
        if (todo.size() < 2) {
            todo.forEach(f -> each.accept(ingest(f)));
            return;
        }
        // parsed inputs (ReportStore.Input), results of files refused before parsing, or the RuntimeException
        // that stopped the parser
        BlockingQueue<Object> queue = new ArrayBlockingQueue<>(HANDOFF_FILES);
        java.util.concurrent.Semaphore handoff = new java.util.concurrent.Semaphore(handoffRecords);
        AtomicBoolean stop = new AtomicBoolean();
        Thread parser = Thread.ofPlatform().daemon().name("aligned-ingest-parse").start(() -> {
            try {
                for (Path f : todo) {
                    if (stop.get()) {
                        return;
                    }
                    Object item;
                    try {
                        item = read(f);
                    } catch (RuntimeException e) {
                        item = e;
                    }
                    handoff.acquire(handoffWeight(item));
                    queue.put(item);
                    if (item instanceof RuntimeException) {
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the storing side gave up: nothing more to hand over
            }
        });
        boolean done = false;
        try {
            Transaction t = new Transaction(queue, handoff, this::handoffWeight, todo.size());
            while (t.taken < todo.size()) {
                t.begin();
                List<IngestResult> stored = store.archiveAndStore(t);
                java.util.Iterator<IngestResult> it = stored.iterator();
                for (Object slot : t.slots) {
                    each.accept(slot instanceof IngestResult r ? r : it.next());
                }
            }
            done = true;
        } finally {
            stop.set(true);
            if (!done) {
                parser.interrupt();
                queue.clear(); // unblocks a parser waiting to hand over
            }
            try {
                parser.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The inputs of one transaction of {@link #ingestAll}, taken from the parser's queue until a limit is reached;
     * files refused before parsing are kept in their place among the results ({@link #slots}: an
     * {@link IngestResult}, or {@code null} for the next stored input's result).
     */
    private static final class Transaction implements java.util.Iterator<ReportStore.Input> {
        private final BlockingQueue<Object> queue;
        private final java.util.concurrent.Semaphore handoff;
        private final java.util.function.ToIntFunction<Object> weight;
        private final int total;
        final List<IngestResult> slots = new ArrayList<>();
        int taken;
        private ReportStore.Input next;
        private long records;
        private long bytes;
        private int files;
        private long started;

        Transaction(BlockingQueue<Object> queue, java.util.concurrent.Semaphore handoff,
                java.util.function.ToIntFunction<Object> weight, int total) {
            this.queue = queue;
            this.handoff = handoff;
            this.weight = weight;
            this.total = total;
        }

        void begin() {
            slots.clear();
            records = 0;
            bytes = 0;
            files = 0;
            started = System.nanoTime();
        }

        @Override
        public boolean hasNext() {
            if (next != null) {
                return true;
            }
            if (files >= BATCH_FILES || records >= BATCH_RECORDS || bytes >= BATCH_BYTES
                    || System.nanoTime() - started >= BATCH_NANOS) {
                return false;
            }
            while (taken < total) {
                Object item;
                try {
                    if (files == 0) {
                        item = queue.take();
                    } else { // the parser is slower than the store: commit what is there rather than hold the lock
                        item = queue.poll(BATCH_NANOS - (System.nanoTime() - started), TimeUnit.NANOSECONDS);
                        if (item == null) {
                            return false;
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StoreException("interrupted while importing " + total + " files", e);
                }
                taken++;
                // the parser may go on: this one is written next, then dropped
                handoff.release(weight.applyAsInt(item));
                if (item instanceof RuntimeException e) {
                    throw e;
                }
                if (item instanceof IngestResult r) {
                    slots.add(r);
                    continue;
                }
                next = (ReportStore.Input) item;
                return true;
            }
            return false;
        }

        @Override
        public ReportStore.Input next() {
            if (!hasNext()) {
                throw new java.util.NoSuchElementException();
            }
            ReportStore.Input in = next;
            next = null;
            slots.add(null);
            files++;
            records += in.records();
            bytes += in.size();
            return in;
        }
    }

    /**
     * How much of the hand-off's record bound an item of the parser's queue holds: its records (at least 1, at most
     * the whole bound, so that a file larger than it still passes, alone); an exception that stopped the parser,
     * nothing.
     */
    private int handoffWeight(Object item) {
        if (item instanceof ReportStore.Input in) {
            return Math.max(1, Math.min(handoffRecords, in.records()));
        }
        return item instanceof RuntimeException ? 0 : 1;
    }

    /** Reads, hashes, compresses and parses one file for a transaction, or the failure that stopped it before that. */
    private Object read(Path file) {
        String source = file.toString();
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > maxInputBytes) {
                return tooLarge(source, size);
            }
            try (InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxInputBytes + 1));
            }
        } catch (IOException e) {
            return failed(source, source + ": cannot read file: " + e);
        }
        if (bytes.length > maxInputBytes) {
            return grew(source);
        }
        return ReportStore.Input.parsed(source, bytes, b -> reader.read(source, new ByteArrayInputStream(b)));
    }

    /** The result of an input whose bytes were already parsed: its earlier reports, as duplicates. */
    static IngestResult duplicate(String source, Archived a) {
        List<ReportOutcome> dups = Collections.nCopies(Math.max(1, a.reports()), new ReportOutcome.Duplicate(source));
        return new IngestResult(source, Optional.of(a.sha256()), true, dups);
    }

    /** What the first stage hands to the second: a finished result, or parsed results to store. */
    private sealed interface Staged permits Done, ToStore {
    }

    private record Done(IngestResult result) implements Staged {
    }

    private record ToStore(String source, Archived archived, List<ReportResult> results) implements Staged {
    }

    private IngestResult finish(Staged staged) {
        return switch (staged) {
            case Done d -> d.result();
            case ToStore t -> {
                StoreResult r = store.store(t.archived(), t.results());
                yield new IngestResult(t.source(), Optional.of(t.archived().sha256()), !t.archived().isNew(),
                        r.outcomes());
            }
        };
    }

    /** Reads, archives and parses one file (everything but the store). */
    private Staged stage(Path file) {
        String source = file.toString();
        try {
            long size = Files.size(file);
            if (size > maxInputBytes) {
                return new Done(tooLarge(source, size));
            }
            byte[] bytes;
            try (InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxInputBytes + 1));
            }
            if (bytes.length > maxInputBytes) {
                return new Done(grew(source));
            }
            return stage(source, bytes);
        } catch (IOException e) {
            return new Done(failed(source, source + ": cannot read file: " + e));
        }
    }

    private IngestResult tooLarge(String source, long size) {
        return failed(source, source + ": file is " + size + " bytes, more than the " + maxInputBytes
                + "-byte input limit (Ingestor.maxInputBytes); split it (one report per file) or raise the limit");
    }

    private IngestResult grew(String source) {
        return failed(source, source + ": file grew beyond the " + maxInputBytes + "-byte input limit while being read");
    }

    private static IngestResult failed(String source, String error) {
        return new IngestResult(source, Optional.empty(), false, List.of(new ReportOutcome.Failed(source, error)));
    }

    /** Ingests one input given as bytes; {@code source} names it in outcomes and errors. */
    public IngestResult ingest(String source, byte[] bytes) {
        return finish(stage(source, bytes));
    }

    private Staged stage(String source, byte[] bytes) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length > maxInputBytes) {
            return new Done(failed(source, source + ": input is " + bytes.length + " bytes, more than the "
                    + maxInputBytes + "-byte input limit (Ingestor.maxInputBytes)"));
        }
        Archived a = store.archive(source, bytes);
        if (a.state() == BlobState.PARSED) {
            return new Done(duplicate(source, a));
        }
        return new ToStore(source, a, reader.read(source, new ByteArrayInputStream(bytes)));
    }

    /**
     * Records an input that was refused before parsing (too large, unreadable at its source): {@code evidence} (for
     * instance the message's header) is archived under {@code source} and {@code reason} is stored as its error, so
     * the refusal is visible in the store like any parse failure. {@code evidence} is bounded by the input limit.
     */
    public IngestResult recordFailure(String source, byte[] evidence, String reason) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(evidence, "evidence");
        Objects.requireNonNull(reason, "reason");
        byte[] kept = evidence.length > maxInputBytes ? java.util.Arrays.copyOf(evidence, (int) maxInputBytes) : evidence;
        Archived a = store.archive(source, kept);
        StoreResult r = store.store(a, List.of(new ReportResult.Failed(source, reason)));
        return new IngestResult(source, Optional.of(a.sha256()), !a.isNew(), r.outcomes());
    }

    /**
     * Parses again every archived input that is not fully parsed: {@link BlobState#RECEIVED} (the process stopped
     * between archiving and storing), FAILED and PARTIAL (perhaps readable by this version). Bounded to
     * {@code max} inputs per call.
     */
    public List<IngestResult> resumePending(int max) {
        return resumePending(max, Instant.MAX);
    }

    /**
     * Like {@link #resumePending(int)}, but only for inputs archived before {@code archivedBefore}: an input archived
     * moments ago may be in the hands of another live process (several nodes on one database), which is still parsing
     * it; one that has waited longer was left behind by a process that stopped. Its source has not been told it was
     * stored (a mailbox message is moved only after commit), so it also arrives again by its own route.
     */
    public List<IngestResult> resumePending(int max, Instant archivedBefore) {
        Objects.requireNonNull(archivedBefore, "archivedBefore");
        List<IngestResult> out = new ArrayList<>();
        for (BlobInfo b : store.unparsed(max)) {
            if (!b.receivedAt().isBefore(archivedBefore)) {
                continue;
            }
            Optional<byte[]> bytes = store.originalBytes(b.sha256());
            if (bytes.isEmpty()) {
                continue; // bytes removed by retention: nothing left to parse
            }
            out.add(ingest(b.firstSource(), bytes.get()));
        }
        return List.copyOf(out);
    }

    /** Builds an {@link Ingestor}. */
    public static final class Builder {
        private final ReportStore store;
        private ReportReader reader = ReportReader.create();
        private long maxInputBytes = 512L << 20;
        private int handoffRecords = HANDOFF_RECORDS;

        private Builder(ReportStore store) {
            this.store = Objects.requireNonNull(store, "store");
        }

        /** The reader (and so the {@link dev.aligned.report.ReportLimits}); default {@link ReportReader#create()}. */
        public Builder reader(ReportReader reader) {
            this.reader = Objects.requireNonNull(reader, "reader");
            return this;
        }

        /** The largest input read into memory and archived (default 512 MiB). */
        public Builder maxInputBytes(long max) {
            if (max <= 0 || max > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("maxInputBytes must be between 1 and " + (Integer.MAX_VALUE - 16)
                        + ", got " + max);
            }
            this.maxInputBytes = max;
            return this;
        }

        /** The records parsed files may hold while they wait to be stored ({@link #ingestAll}); tests make it small. */
        Builder handoffRecords(int records) {
            if (records < 1) {
                throw new IllegalArgumentException("handoffRecords must be at least 1, got " + records);
            }
            this.handoffRecords = records;
            return this;
        }

        public Ingestor build() {
            return new Ingestor(this);
        }
    }
}
