package dev.aligned.server.ingest;

import static dev.aligned.store.testing.TestReports.email;
import static dev.aligned.store.testing.TestReports.gzip;
import static dev.aligned.store.testing.TestReports.utf8;
import static dev.aligned.store.testing.TestReports.xml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.server.ingest.testing.CuttableProxy;
import dev.aligned.server.ingest.testing.MailServer;
import dev.aligned.store.IngestFailure;
import dev.aligned.store.IngestResult;
import dev.aligned.store.Ingestor;
import dev.aligned.store.ReportStore;
import dev.aligned.store.StoreStats;
import dev.aligned.store.testing.TestReports.Rec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ImapSource} against GreenMail on loopback, with a SQLite store on disk. */
class ImapSourceTest {
    static final String USER = "dmarc@example.com";
    static final String PASSWORD = "correct-horse-battery-staple";
    static final long DAY = 1718236800L;

    @TempDir
    Path tmp;
    MailServer mail;
    ReportStore store;

    @BeforeEach
    void start() {
        mail = MailServer.start(USER, PASSWORD);
        store = ReportStore.builder().url("jdbc:sqlite:" + tmp.resolve("aligned.db")).build();
    }

    @AfterEach
    void stop() {
        store.close();
        mail.close();
    }

    static byte[] report(String id, int records) {
        List<Rec> recs = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            recs.add(new Rec("192.0.2." + (i % 250 + 1), i + 1, "none", "pass", i % 2 == 0 ? "pass" : "fail"));
        }
        return email(id + ".xml.gz", "application/gzip",
                gzip(utf8(xml("reporter.example", id, "example.com", DAY, DAY + 86399, recs))));
    }

    /** Uncompressed XML: about 600 bytes of base64 per record. */
    static byte[] bigReport(String id, int records) {
        List<Rec> recs = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            recs.add(new Rec("198.51.100." + (i % 250 + 1), i + 1, "none", "pass", "fail"));
        }
        return email(id + ".xml", "text/xml", utf8(xml("reporter.example", id, "example.com", DAY, DAY + 86399, recs)));
    }

    static byte[] notAReport(String subject) {
        return ("From: someone@example.net\r\nTo: " + USER + "\r\nSubject: " + subject
                + "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nHello, this is not a DMARC report.\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    ImapMailbox.Builder box(int port) {
        return ImapMailbox.builder("127.0.0.1", USER, Secret.of(PASSWORD)).security(ImapSecurity.NONE).port(port)
                .timeout(Duration.ofSeconds(10));
    }

    ImapSource source(ImapMailbox box) {
        return ImapSource.builder(box, Ingestor.builder(store).build()).build();
    }

    ImapSource source(ImapMailbox box, BiConsumer<String, IngestResult> hook) {
        return ImapSource.builder(box, Ingestor.builder(store).build()).afterStore(hook).build();
    }

    @Test
    void storesEveryReportOnceAndMovesTheMessagesToTheProcessedFolder() {
        for (int i = 0; i < 3; i++) {
            mail.deliver(report("r-" + i, 2));
        }
        PollOutcome.Polled p = assertInstanceOf(PollOutcome.Polled.class,
                source(box(mail.imapPort()).build()).pollOnce());
        assertEquals(3, p.inputs());
        assertEquals(3, p.newReports());
        assertEquals(6, p.records());
        assertEquals(List.of(), p.failures());
        assertFalse(p.more());
        assertEquals(0, mail.count("INBOX"));
        assertEquals(3, mail.count("Aligned.Processed"));
        assertEquals(3, store.stats().reports());

        PollOutcome.Polled again = assertInstanceOf(PollOutcome.Polled.class,
                source(box(mail.imapPort()).build()).pollOnce());
        assertEquals(0, again.inputs(), "processed messages are not read again");
    }

    @Test
    void aMessageThatIsNoReportGoesToTheErrorFolderWithItsReasonInTheStore() {
        mail.deliver(notAReport("hello"));
        mail.deliver(report("good", 1));
        List<IngestResult> results = new CopyOnWriteArrayList<>();
        PollOutcome.Polled p = assertInstanceOf(PollOutcome.Polled.class,
                source(box(mail.imapPort()).build(), (s, r) -> results.add(r)).pollOnce());
        assertEquals(1, p.newReports());
        assertEquals(1, p.failures().size());
        assertEquals(1, mail.count("Aligned.Error"));
        assertEquals(List.of("hello"), mail.subjects("Aligned.Error"));
        assertEquals(1, mail.count("Aligned.Processed"));
        IngestResult failed = results.stream().filter(r -> !r.failures().isEmpty()).findFirst().orElseThrow();
        List<IngestFailure> errors = store.errors(failed.sha256().orElseThrow());
        assertEquals(1, errors.size());
        assertTrue(errors.get(0).source().startsWith("imap://" + USER + "@127.0.0.1:" + mail.imapPort()
                + "/INBOX;UIDVALIDITY="), errors.get(0).source());
        assertEquals(p.failures().get(0).error(), errors.get(0).error());
    }

    @Test
    void theMessageIsStillInTheInboxWhenTheStoreCommitsAndLeavesItOnlyAfterwards() {
        mail.deliver(report("order-1", 1));
        mail.deliver(report("order-2", 1));
        List<String> seen = new ArrayList<>();
        source(box(mail.imapPort()).build(), (s, r) -> {
            StoreStats st = store.stats();
            seen.add(st.reports() + " stored, inbox " + mail.count("INBOX") + ", processed "
                    + mail.count("Aligned.Processed"));
        }).pollOnce();
        assertEquals(List.of("1 stored, inbox 2, processed 0", "2 stored, inbox 1, processed 1"), seen);
    }

    @Test
    void aCrashAfterTheCommitAndBeforeTheMoveStoresNothingTwice() {
        for (int i = 0; i < 3; i++) {
            mail.deliver(report("crash-" + i, 3));
        }
        int[] calls = {0};
        PollOutcome first = source(box(mail.imapPort()).build(), (s, r) -> {
            if (++calls[0] == 2) {
                throw new IllegalStateException("simulated crash between commit and move");
            }
        }).pollOnce();
        PollOutcome.Unavailable u = assertInstanceOf(PollOutcome.Unavailable.class, first);
        assertTrue(u.error().contains("simulated crash"), u.error());
        assertEquals(2, store.stats().reports(), "the second report was committed before the crash");
        assertEquals(2, mail.count("INBOX"), "the crashed message and the one after it stay");

        PollOutcome.Polled p = assertInstanceOf(PollOutcome.Polled.class,
                source(box(mail.imapPort()).build()).pollOnce());
        assertEquals(2, p.inputs());
        assertEquals(1, p.newReports());
        assertEquals(1, p.duplicates(), "the re-fetched message is recognised");
        assertEquals(3, store.stats().reports());
        assertEquals(9, store.stats().records());
        assertEquals(0, mail.count("INBOX"));
        assertEquals(3, mail.count("Aligned.Processed"));
    }

    @Test
    void aConnectionDroppedMidFetchLosesNothingAndStoresNothingTwice() throws Exception {
        mail.deliver(report("small-1", 1));
        mail.deliver(bigReport("big", 1000)); // about 600 kB: fetched in many 16 kB partial FETCHes
        mail.deliver(report("small-2", 1));
        try (CuttableProxy proxy = CuttableProxy.start(mail.imapPort())) {
            proxy.cutAfterServerBytes(200_000);
            PollOutcome first = source(box(proxy.port()).build()).pollOnce();
            assertInstanceOf(PollOutcome.Unavailable.class, first);
            assertEquals(1, proxy.cuts());
            assertEquals(1, store.stats().reports(), "only the message fetched whole before the drop is stored");
            assertEquals(0, store.stats().unparsedBlobs(), "nothing half-fetched was archived");
            assertEquals(2, mail.count("INBOX"));

            proxy.heal();
            PollOutcome.Polled p = assertInstanceOf(PollOutcome.Polled.class, source(box(proxy.port()).build()).pollOnce());
            assertEquals(2, p.newReports());
            assertEquals(0, p.duplicates());
        }
        StoreStats st = store.stats();
        assertEquals(3, st.reports());
        assertEquals(1002, st.records());
        assertEquals(0, mail.count("INBOX"));
        assertEquals(3, mail.count("Aligned.Processed"));
    }

    @Test
    void flagModeLeavesMessagesInPlaceWithAKeywordAndDoesNotReadThemAgain() {
        mail.deliver(report("flag-1", 1));
        mail.deliver(notAReport("junk"));
        ImapMailbox box = box(mail.imapPort()).afterIngest(AfterIngest.FLAG).build();
        PollOutcome.Polled p = assertInstanceOf(PollOutcome.Polled.class, source(box).pollOnce());
        assertEquals(2, p.inputs());
        assertEquals(2, mail.count("INBOX"));
        assertEquals(0, mail.count("Aligned.Processed"));
        List<List<String>> kw = mail.keywords("INBOX");
        assertTrue(kw.contains(List.of(ImapSource.PROCESSED_KEYWORD)), kw.toString());
        assertTrue(kw.contains(List.of(ImapSource.ERROR_KEYWORD)), kw.toString());
        PollOutcome.Polled again = assertInstanceOf(PollOutcome.Polled.class, source(box).pollOnce());
        assertEquals(0, again.inputs());
    }

    @Test
    void implicitTlsWorksWithATrustedSelfSignedTestServer() {
        mail.deliver(report("tls-1", 1));
        ImapMailbox box = ImapMailbox.builder("127.0.0.1", USER, Secret.of(PASSWORD)).security(ImapSecurity.TLS)
                .port(mail.imapsPort()).trustHosts(List.of("127.0.0.1")).timeout(Duration.ofSeconds(10)).build();
        PollOutcome.Polled p = assertInstanceOf(PollOutcome.Polled.class, source(box).pollOnce());
        assertEquals(1, p.newReports());
        assertTrue(box.url().startsWith("imaps://"));
    }

    @Test
    void tlsRefusesAnUntrustedCertificate() {
        mail.deliver(report("tls-2", 1));
        ImapMailbox box = ImapMailbox.builder("127.0.0.1", USER, Secret.of(PASSWORD)).security(ImapSecurity.TLS)
                .port(mail.imapsPort()).timeout(Duration.ofSeconds(10)).build();
        PollOutcome.Unavailable u = assertInstanceOf(PollOutcome.Unavailable.class, source(box).pollOnce());
        assertTrue(u.error().startsWith("imaps://" + USER + "@127.0.0.1:" + mail.imapsPort() + "/INBOX: "), u.error());
        assertEquals(1, mail.count("INBOX"));
        assertEquals(0, store.stats().blobs());
    }

    @Test
    void aWrongPasswordIsReportedWithoutPrintingAnyPassword() {
        ImapMailbox box = ImapMailbox.builder("127.0.0.1", USER, Secret.of("wrong-" + PASSWORD))
                .security(ImapSecurity.NONE).port(mail.imapPort()).build();
        PollOutcome.Unavailable u = assertInstanceOf(PollOutcome.Unavailable.class, source(box).pollOnce());
        assertTrue(u.error().contains("login as " + USER + " failed"), u.error());
        assertFalse(u.error().contains(PASSWORD), u.error());
        assertFalse(u.toString().contains(PASSWORD));
        assertFalse(box.toString().contains(PASSWORD), box.toString());
        assertTrue(box.toString().contains("password=[redacted]"), box.toString());
        assertFalse(source(box).toString().contains(PASSWORD));
    }

    @Test
    void aMessageOverTheSizeLimitIsNotFetchedAndItsReasonIsStored() {
        mail.deliver(bigReport("huge", 100));
        mail.deliver(report("fine", 1));
        List<IngestResult> results = new CopyOnWriteArrayList<>();
        ImapMailbox box = box(mail.imapPort()).maxMessageBytes(8 * 1024).build();
        PollOutcome.Polled p = assertInstanceOf(PollOutcome.Polled.class,
                source(box, (s, r) -> results.add(r)).pollOnce());
        assertEquals(1, p.newReports());
        assertEquals(1, p.failures().size());
        String why = p.failures().get(0).error();
        assertTrue(why.contains("more than max_message_bytes (8192); not fetched"), why);
        assertEquals(1, mail.count("Aligned.Error"));
        IngestResult huge = results.get(0);
        assertEquals(why, store.errors(huge.sha256().orElseThrow()).get(0).error());
    }

    @Test
    void aPollReadsAtMostTheConfiguredNumberOfMessagesAndSaysMoreAreWaiting() {
        for (int i = 0; i < 5; i++) {
            mail.deliver(report("batch-" + i, 1));
        }
        ImapMailbox box = box(mail.imapPort()).maxMessagesPerPoll(2).build();
        PollOutcome.Polled p = assertInstanceOf(PollOutcome.Polled.class, source(box).pollOnce());
        assertEquals(2, p.inputs());
        assertTrue(p.more());
        assertEquals(3, mail.count("INBOX"));
    }

    @Test
    void runWaitsWithIdleAndIngestsANewMessageWithoutWaitingForThePollInterval() throws Exception {
        ImapMailbox box = box(mail.imapPort()).pollInterval(Duration.ofMinutes(5)).build();
        ImapSource src = source(box);
        List<PollOutcome> outcomes = new CopyOnWriteArrayList<>();
        Thread t = Thread.ofPlatform().start(() -> src.run(outcomes::add));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (outcomes.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(1, outcomes.size(), "the first poll ran: " + outcomes);
        Thread.sleep(300); // let the poller enter IDLE
        mail.deliver(report("idle-1", 1));
        while (store.stats().reports() < 1 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(1, store.stats().reports(), "delivered during IDLE, stored long before the 5-minute poll");
        while (mail.count("Aligned.Processed") < 1 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        src.stop();
        t.join(10_000);
        assertFalse(t.isAlive(), "stop() ends the IDLE wait");
        assertEquals(1, mail.count("Aligned.Processed"));
    }

    @Test
    void plainImapIsRefusedForAHostThatIsNotLoopback() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ImapMailbox.builder("imap.example.com", USER, Secret.of(PASSWORD)).security(ImapSecurity.NONE)
                        .build());
        assertTrue(e.getMessage().contains("security: 'none' sends the password in clear text"), e.getMessage());
        assertFalse(e.getMessage().contains(PASSWORD));
    }

    @Test
    void starttlsAgainstAServerWithoutItFailsBeforeLogin() {
        mail.deliver(report("plain-1", 1));
        ImapMailbox box = ImapMailbox.builder("127.0.0.1", USER, Secret.of(PASSWORD)).security(ImapSecurity.STARTTLS)
                .port(mail.imapPort()).trustHosts(List.of("127.0.0.1")).timeout(Duration.ofSeconds(10)).build();
        PollOutcome.Unavailable u = assertInstanceOf(PollOutcome.Unavailable.class, source(box).pollOnce());
        assertTrue(u.error().contains("STARTTLS"), u.error());
        assertEquals(1, mail.count("INBOX"), "the password was never sent in clear: no session, nothing read");
        assertEquals(0, store.stats().blobs());
    }

    @Test
    void starttlsIsRequiredNotMerelyAttempted() {
        ImapMailbox box = ImapMailbox.builder("imap.example.com", USER, Secret.of(PASSWORD))
                .security(ImapSecurity.STARTTLS).build();
        var props = source(box).sessionProperties();
        assertEquals(143, box.port());
        assertEquals("imap", props.getProperty("mail.store.protocol"));
        assertEquals("true", props.getProperty("mail.imap.starttls.enable"));
        assertEquals("true", props.getProperty("mail.imap.starttls.required"));
        assertEquals("true", props.getProperty("mail.imap.ssl.checkserveridentity"));
        assertFalse(props.toString().contains(PASSWORD));
    }
}
