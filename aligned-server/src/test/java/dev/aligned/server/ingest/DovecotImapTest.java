package dev.aligned.server.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.server.ingest.testing.DovecotServer;
import dev.aligned.store.Ingestor;
import dev.aligned.store.ReportStore;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ImapSource} against a real Dovecot over STARTTLS (the path GreenMail cannot serve). Skipped, with the
 * reason, where Dovecot is not installed or the tests do not run as root; under CI that is a failure instead.
 */
class DovecotImapTest {
    static final String USER = "dmarc@example.com";
    static final String PASSWORD = "dovecot-pw-91c";
    static DovecotServer dovecot;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        Optional<String> why = DovecotServer.available();
        if (why.isPresent() && System.getenv("CI") != null) {
            throw new AssertionError(why.get() + " (CI is set, so this is a failure, not a skip)");
        }
        Assumptions.assumeTrue(why.isEmpty(), why.orElse(""));
        dovecot = DovecotServer.start(USER, PASSWORD);
    }

    @AfterAll
    static void stop() {
        if (dovecot != null) {
            dovecot.close();
        }
    }

    static Properties starttls() {
        Properties p = new Properties();
        p.setProperty("mail.imap.starttls.enable", "true");
        p.setProperty("mail.imap.starttls.required", "true");
        p.setProperty("mail.imap.ssl.trust", "127.0.0.1");
        p.setProperty("mail.imap.peek", "true");
        return p;
    }

    interface FolderWork<T> {
        T run(Folder f) throws Exception;
    }

    static <T> T withFolder(String name, T ifMissing, FolderWork<T> work) throws Exception {
        Store s = Session.getInstance(starttls()).getStore("imap");
        s.connect("127.0.0.1", dovecot.port(), USER, PASSWORD);
        try {
            Folder f = s.getFolder(name.replace('/', s.getDefaultFolder().getSeparator()));
            if (!f.exists()) {
                return ifMissing;
            }
            f.open(Folder.READ_WRITE);
            try {
                return work.run(f);
            } finally {
                f.close(true);
            }
        } finally {
            s.close();
        }
    }

    static void append(byte[] msg) throws Exception {
        withFolder("INBOX", null, f -> {
            f.appendMessages(new Message[] {new MimeMessage(Session.getInstance(new Properties()),
                    new ByteArrayInputStream(msg))});
            return null;
        });
    }

    static int count(String folder) throws Exception {
        return withFolder(folder, 0, Folder::getMessageCount);
    }

    static void empty(String folder) throws Exception {
        withFolder(folder, null, f -> {
            for (Message m : f.getMessages()) {
                m.setFlag(jakarta.mail.Flags.Flag.DELETED, true);
            }
            return null;
        });
    }

    ImapMailbox box() {
        return ImapMailbox.builder("127.0.0.1", USER, Secret.of(PASSWORD)).security(ImapSecurity.STARTTLS)
                .port(dovecot.port()).trustHosts(List.of("127.0.0.1")).timeout(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMinutes(5)).build();
    }

    @Test
    void overStarttlsReportsAreStoredOnceAndMovedToTheProcessedFolder() throws Exception {
        empty("INBOX");
        empty("Aligned/Processed");
        empty("Aligned/Error");
        for (int i = 0; i < 3; i++) {
            append(ImapSourceTest.report("dovecot-" + i, 2));
        }
        append(ImapSourceTest.notAReport("not a report"));
        try (ReportStore store = ReportStore.builder().url("jdbc:sqlite:" + tmp.resolve("a.db")).build()) {
            ImapSource src = ImapSource.builder(box(), Ingestor.builder(store).build()).build();
            PollOutcome.Polled p = assertInstanceOf(PollOutcome.Polled.class, src.pollOnce(), dovecot.log());
            assertEquals(4, p.inputs());
            assertEquals(3, p.newReports());
            assertEquals(1, p.failures().size());
            assertEquals(3, store.stats().reports());
        }
        assertEquals(0, count("INBOX"));
        assertEquals(3, count("Aligned/Processed"));
        assertEquals(1, count("Aligned/Error"));
    }

    @Test
    void idleOnDovecotPicksUpANewMessage() throws Exception {
        empty("INBOX");
        try (ReportStore store = ReportStore.builder().url("jdbc:sqlite:" + tmp.resolve("b.db")).build()) {
            ImapSource src = ImapSource.builder(box(), Ingestor.builder(store).build()).build();
            List<PollOutcome> outcomes = new CopyOnWriteArrayList<>();
            Thread t = Thread.ofPlatform().start(() -> src.run(outcomes::add));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (outcomes.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(500);
            append(ImapSourceTest.report("dovecot-idle", 1));
            while (store.stats().reports() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            src.stop();
            t.join(15_000);
            assertFalse(t.isAlive());
            assertEquals(1, store.stats().reports(), outcomes + "\n" + dovecot.log());
            assertTrue(outcomes.stream().allMatch(o -> o instanceof PollOutcome.Polled), outcomes.toString());
        }
    }

    @Test
    void mailArrivingDuringAPollIsReadWithoutWaitingForThePollInterval() throws Exception {
        empty("INBOX");
        append(ImapSourceTest.report("during-0", 1));
        boolean[] delivered = {false};
        try (ReportStore store = ReportStore.builder().url("jdbc:sqlite:" + tmp.resolve("c.db")).build()) {
            ImapSource src = ImapSource.builder(box(), Ingestor.builder(store).build()).afterStore((s, r) -> {
                if (!delivered[0]) {
                    delivered[0] = true;
                    try {
                        append(ImapSourceTest.report("during-1", 1));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            }).build();
            List<PollOutcome> outcomes = new CopyOnWriteArrayList<>();
            Thread t = Thread.ofPlatform().start(() -> src.run(outcomes::add));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (store.stats().reports() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            long storedBeforeStop = store.stats().reports();
            src.stop();
            t.join(15_000);
            // without the re-poll the second message waits for the 5-minute renewal of IDLE
            assertEquals(2, storedBeforeStop, "stored within 10 s: " + outcomes);
        }
    }
}
