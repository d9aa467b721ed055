package dev.aligned.server.ingest;

import dev.aligned.store.IngestFailure;
import dev.aligned.store.IngestResult;
import dev.aligned.store.Ingestor;
import dev.aligned.store.ReportOutcome;
import dev.aligned.store.StoreException;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.search.AndTerm;
import jakarta.mail.search.FlagTerm;
import jakarta.mail.search.SearchTerm;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;

/**
 * Ingests the report e-mails of one IMAP mailbox exactly once. Each message's raw bytes go through the
 * {@link Ingestor} (archived, parsed, stored in one transaction); only after that transaction has committed is the
 * message moved to the processed folder (IMAP MOVE) or flagged {@code $AlignedProcessed} (servers without MOVE, or
 * {@link AfterIngest#FLAG}). Messages that fail to parse go to the error folder (or are flagged
 * {@code $AlignedError}); the reason is kept in the store. A connection dropped anywhere loses nothing: an
 * unmoved message is fetched again on the next poll and the store recognises its bytes (a duplicate, not a second
 * copy). Polls are guarded by a {@link MailboxLock}, so two nodes never read the same mailbox at once.
 *
 * <pre>{@code
 * ImapSource source = ImapSource.builder(mailbox, Ingestor.builder(store).build())
 *         .lock(MailboxLock.postgres(dbUrl, dbPassword)).build();
 * PollOutcome once = source.pollOnce();        // --once
 * source.run(outcome -> System.out.println(outcome));   // IDLE or polling until stop() is called
 * }</pre>
 */
public final class ImapSource implements IngestSource {
    /** Keyword set on stored messages when they are not moved. */
    public static final String PROCESSED_KEYWORD = "$AlignedProcessed";
    /** Keyword set on failed messages when they are not moved. */
    public static final String ERROR_KEYWORD = "$AlignedError";
    private static final int MAX_HEADER_EVIDENCE = 64 * 1024;

    private final ImapMailbox box;
    private final Ingestor ingestor;
    private final MailboxLock lock;
    private final BiConsumer<String, IngestResult> afterStore;
    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile boolean stopped;

    private ImapSource(Builder b) {
        this.box = b.box;
        this.ingestor = b.ingestor;
        this.lock = b.lock;
        this.afterStore = b.afterStore;
    }

    /** A builder for {@code mailbox}, ingesting through {@code ingestor}. */
    public static Builder builder(ImapMailbox mailbox, Ingestor ingestor) {
        return new Builder(mailbox, ingestor);
    }

    @Override
    public String name() {
        return box.name();
    }

    /** The mailbox read. */
    public ImapMailbox mailbox() {
        return box;
    }

    /** Takes the lock, connects, ingests up to {@code max_messages_per_poll} messages, disconnects. */
    @Override
    public PollOutcome pollOnce() {
        Optional<MailboxLock.Lease> lease;
        try {
            lease = lock.tryLock(box.url());
        } catch (MailboxLock.LockUnavailableException e) {
            return new PollOutcome.Unavailable(name(), e.getMessage());
        }
        if (lease.isEmpty()) {
            return skipped();
        }
        try (MailboxLock.Lease l = lease.get(); Connection c = connect()) {
            return c.poll();
        } catch (MessagingException | IOException | RuntimeException e) {
            return new PollOutcome.Unavailable(name(), describe(e));
        }
    }

    private PollOutcome.Skipped skipped() {
        return new PollOutcome.Skipped(name(), "another poller holds the lock on " + box.url());
    }

    /**
     * Polls until {@link #stop()}: holds the mailbox's lock while connected, waits with IMAP IDLE when the server
     * supports it (renewed every {@code poll_interval}, at most 10 minutes) and sleeps {@code poll_interval}
     * between polls otherwise. Every poll's outcome goes to {@code listener}. Connection failures are retried after
     * {@code poll_interval}.
     */
    @Override
    public void run(Consumer<PollOutcome> listener) {
        while (!stopped) {
            Optional<MailboxLock.Lease> lease;
            try {
                lease = lock.tryLock(box.url());
            } catch (MailboxLock.LockUnavailableException e) {
                listener.accept(new PollOutcome.Unavailable(name(), e.getMessage()));
                pause(box.pollInterval());
                continue;
            }
            if (lease.isEmpty()) {
                listener.accept(skipped());
                pause(box.pollInterval());
                continue;
            }
            try (MailboxLock.Lease l = lease.get(); Connection c = connect()) {
                while (!stopped && l.isValid()) {
                    PollOutcome.Polled p = c.poll();
                    listener.accept(p);
                    if (p.more() || c.arrivedDuringPoll) {
                        continue; // mail that arrived while polling would not wake IDLE: poll again now
                    }
                    if (box.idle() && c.store.hasCapability("IDLE")) {
                        c.idle();
                    } else {
                        pause(box.pollInterval());
                    }
                }
            } catch (MessagingException | IOException | RuntimeException e) {
                listener.accept(new PollOutcome.Unavailable(name(), describe(e)));
                pause(box.pollInterval());
            }
        }
    }

    /** Makes {@link #run} return soon (it interrupts an IDLE wait). */
    @Override
    public void stop() {
        stopped = true;
        stop.countDown();
    }

    private void pause(Duration d) {
        try {
            stop.await(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
        }
    }

    private String describe(Exception e) {
        if (e instanceof AuthenticationFailedException) {
            return box.url() + ": login as " + box.user() + " failed (" + e.getMessage()
                    + "); check the user and the password in the configuration";
        }
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof StoreException) {
            return "report store: " + m + "; messages stay in the mailbox and are read again on the next poll";
        }
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null && !m.contains(cause.getMessage())) {
            m = m + ": " + cause.getMessage();
        }
        return box.url() + ": " + m + "; unmoved messages are read again on the next poll";
    }

    Properties sessionProperties() {
        String proto = box.security() == ImapSecurity.TLS ? "imaps" : "imap";
        Properties p = new Properties();
        String pre = "mail." + proto + ".";
        p.setProperty("mail.store.protocol", proto);
        p.setProperty(pre + "host", box.host());
        p.setProperty(pre + "port", Integer.toString(box.port()));
        p.setProperty(pre + "connectiontimeout", Long.toString(box.timeout().toMillis()));
        p.setProperty(pre + "timeout", Long.toString(box.timeout().toMillis()));
        p.setProperty(pre + "peek", "true");
        if (box.security() == ImapSecurity.STARTTLS) {
            p.setProperty(pre + "starttls.enable", "true");
            p.setProperty(pre + "starttls.required", "true");
        }
        if (box.security() != ImapSecurity.NONE) {
            p.setProperty(pre + "ssl.checkserveridentity", Boolean.toString(box.trustHosts().isEmpty()));
            if (!box.trustHosts().isEmpty()) {
                p.setProperty(pre + "ssl.trust", String.join(" ", box.trustHosts()));
            }
        }
        return p;
    }

    private Connection connect() throws MessagingException {
        Properties props = sessionProperties();
        Session session = Session.getInstance(props);
        IMAPStore store = (IMAPStore) session.getStore(props.getProperty("mail.store.protocol"));
        store.connect(box.host(), box.port(), box.user(), box.password().reveal());
        try {
            IMAPFolder folder = (IMAPFolder) store.getFolder(box.folder());
            if (!folder.exists()) {
                throw new MessagingException("folder '" + box.folder() + "' does not exist; check 'folder'");
            }
            folder.open(Folder.READ_WRITE);
            return new Connection(store, folder);
        } catch (MessagingException | RuntimeException e) {
            try {
                store.close();
            } catch (MessagingException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private enum Disposal { MOVE, FLAG }

    /** One logged-in session with the mailbox's folder open. */
    private final class Connection implements AutoCloseable {
        final IMAPStore store;
        final IMAPFolder folder;
        final Disposal disposal;
        Folder processed;
        Folder error;
        /** Whether the server announced new messages (EXISTS) while the last poll ran. */
        boolean arrivedDuringPoll;

        Connection(IMAPStore store, IMAPFolder folder) throws MessagingException {
            this.store = store;
            this.folder = folder;
            boolean move = store.hasCapability("MOVE");
            Flags permanent = folder.getPermanentFlags();
            boolean keywords = permanent != null && permanent.contains(Flags.Flag.USER);
            if (box.afterIngest() == AfterIngest.MOVE) {
                disposal = move ? Disposal.MOVE : keywords ? Disposal.FLAG : null;
            } else {
                disposal = keywords ? Disposal.FLAG : move ? Disposal.MOVE : null;
            }
            if (disposal == null) {
                throw new MessagingException("the server supports neither MOVE nor keywords on '" + box.folder()
                        + "', so Aligned cannot mark messages as processed; use a server with MOVE (RFC 6851)");
            }
        }

        private Folder target(boolean ok) throws MessagingException {
            Folder f = ok ? processed : error;
            if (f == null) {
                char sep = store.getDefaultFolder().getSeparator();
                String name = (ok ? box.processedFolder() : box.errorFolder()).replace('/', sep);
                f = store.getFolder(name);
                if (!f.exists() && !f.create(Folder.HOLDS_MESSAGES)) {
                    throw new MessagingException("cannot create the folder '" + name + "'");
                }
                if (ok) {
                    processed = f;
                } else {
                    error = f;
                }
            }
            return f;
        }

        PollOutcome.Polled poll() throws MessagingException, IOException {
            SearchTerm pending = new AndTerm(new SearchTerm[] {
                    new FlagTerm(new Flags(Flags.Flag.DELETED), false),
                    new FlagTerm(new Flags(PROCESSED_KEYWORD), false),
                    new FlagTerm(new Flags(ERROR_KEYWORD), false)});
            int before = folder.getMessageCount();
            int moved = 0;
            Message[] all = folder.search(pending);
            int n = Math.min(all.length, box.maxMessagesPerPoll());
            long fresh = 0;
            long dup = 0;
            long records = 0;
            List<IngestFailure> failures = new ArrayList<>();
            long validity = folder.getUIDValidity();
            for (int i = 0; i < n && !stopped; i++) {
                Message m = all[i];
                if (m.isExpunged()) {
                    continue;
                }
                String source = box.url() + ";UIDVALIDITY=" + validity + ";UID=" + folder.getUID(m);
                IngestResult r = ingest(m, source);
                afterStore.accept(source, r);
                // the store has committed: now, and only now, the message may leave the folder
                boolean ok = r.failures().isEmpty();
                if (dispose(m, ok)) {
                    moved++;
                }
                fresh += r.newReports();
                dup += r.duplicates();
                records += r.records();
                for (ReportOutcome.Failed f : r.failures()) {
                    failures.add(new IngestFailure(f.source(), f.error()));
                }
            }
            arrivedDuringPoll = folder.getMessageCount() != before - moved;
            return new PollOutcome.Polled(name(), n, fresh, dup, records, failures, all.length > n);
        }

        private IngestResult ingest(Message m, String source) throws MessagingException, IOException {
            int size = m.getSize();
            if (size > box.maxMessageBytes()) {
                return ingestor.recordFailure(source, headerBytes(m), source + ": message is " + size
                        + " bytes, more than max_message_bytes (" + box.maxMessageBytes()
                        + "); not fetched. Raise max_message_bytes, or fetch it by hand and use aligned import");
            }
            BoundedBuffer buf = new BoundedBuffer(box.maxMessageBytes());
            try {
                m.writeTo(buf);
            } catch (BoundedBuffer.TooLarge e) {
                return ingestor.recordFailure(source, headerBytes(m), source + ": message grew beyond max_message_bytes ("
                        + box.maxMessageBytes() + ") while being fetched");
            }
            return ingestor.ingest(source, buf.toByteArray());
        }

        /** Moves or flags {@code m}; true when it left the folder. */
        private boolean dispose(Message m, boolean ok) throws MessagingException {
            return switch (disposal) {
                case MOVE -> {
                    folder.moveMessages(new Message[] {m}, target(ok));
                    yield true;
                }
                case FLAG -> {
                    m.setFlags(new Flags(ok ? PROCESSED_KEYWORD : ERROR_KEYWORD), true);
                    yield false;
                }
            };
        }

        void idle() throws MessagingException {
            Duration renew = box.pollInterval().compareTo(Duration.ofMinutes(10)) < 0
                    ? box.pollInterval() : Duration.ofMinutes(10);
            IdleWaker waker = new IdleWaker(folder, renew);
            Thread t = Thread.ofVirtual().name("imap-idle-waker " + name()).start(waker);
            try {
                if (!stopped) {
                    folder.idle(true);
                }
            } finally {
                waker.done = true;
                t.interrupt();
            }
        }

        @Override
        public void close() {
            try {
                if (folder.isOpen()) {
                    folder.close(false);
                }
            } catch (MessagingException | RuntimeException e) {
                // the connection is gone already
            }
            try {
                store.close();
            } catch (MessagingException | RuntimeException e) {
                // the connection is gone already
            }
        }
    }

    /** Ends an IDLE wait after {@code renew}, or soon after {@link #stop()}: any folder command aborts IDLE. */
    private final class IdleWaker implements Runnable {
        private final IMAPFolder folder;
        private final Duration renew;
        volatile boolean done;

        IdleWaker(IMAPFolder folder, Duration renew) {
            this.folder = folder;
            this.renew = renew;
        }

        @Override
        public void run() {
            try {
                stop.await(renew.toMillis(), TimeUnit.MILLISECONDS);
                while (!done) {
                    try {
                        folder.getMessageCount();
                    } catch (MessagingException | RuntimeException e) {
                        return;
                    }
                    Thread.sleep(200);
                }
            } catch (InterruptedException e) {
                // IDLE ended by itself
            }
        }
    }

    private static byte[] headerBytes(Message m) throws MessagingException {
        StringBuilder b = new StringBuilder();
        if (m instanceof MimeMessage mm) {
            Enumeration<String> lines = mm.getAllHeaderLines();
            while (lines.hasMoreElements() && b.length() < MAX_HEADER_EVIDENCE) {
                b.append(lines.nextElement()).append("\r\n");
            }
        }
        b.append("\r\n");
        byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
        return bytes.length > MAX_HEADER_EVIDENCE ? java.util.Arrays.copyOf(bytes, MAX_HEADER_EVIDENCE) : bytes;
    }

    /** A byte buffer that refuses to grow past a limit. */
    static final class BoundedBuffer extends OutputStream {
        static final class TooLarge extends IOException {
            private static final long serialVersionUID = 1L;

            TooLarge() {
                super("input limit reached");
            }
        }

        private final ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        private final long max;

        BoundedBuffer(long max) {
            this.max = max;
        }

        @Override
        public void write(int b) throws IOException {
            if (out.size() + 1 > max) {
                throw new TooLarge();
            }
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (out.size() + (long) len > max) {
                throw new TooLarge();
            }
            out.write(b, off, len);
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }
    }

    @Override
    public String toString() {
        return "ImapSource[" + box + "]";
    }

    /** Builds an {@link ImapSource}. */
    public static final class Builder {
        private final ImapMailbox box;
        private final Ingestor ingestor;
        private MailboxLock lock = MailboxLock.inProcess();
        private BiConsumer<String, IngestResult> afterStore = (s, r) -> { };

        private Builder(ImapMailbox box, Ingestor ingestor) {
            this.box = Objects.requireNonNull(box, "mailbox");
            this.ingestor = Objects.requireNonNull(ingestor, "ingestor");
        }

        /** The lock guarding polls (default: {@link MailboxLock#inProcess()}, one JVM only). */
        public Builder lock(MailboxLock lock) {
            this.lock = Objects.requireNonNull(lock, "lock");
            return this;
        }

        /** Test hook: runs after a message's store transaction committed and before the message is moved. */
        Builder afterStore(BiConsumer<String, IngestResult> hook) {
            this.afterStore = Objects.requireNonNull(hook, "hook");
            return this;
        }

        public ImapSource build() {
            return new ImapSource(this);
        }
    }
}
