package dev.aligned.server.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.store.Ingestor;
import dev.aligned.store.ReportStore;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SmtpReceiver} with Jakarta Mail's SMTP transport as the sender, and with a raw socket. */
class SmtpReceiverTest {
    @TempDir
    Path tmp;
    ReportStore store;
    SmtpReceiver smtp;

    @BeforeEach
    void start() throws Exception {
        store = ReportStore.builder().url("jdbc:sqlite:" + tmp.resolve("aligned.db")).build();
        smtp = SmtpReceiver.builder(Ingestor.builder(store).build()).maxMessageBytes(64 * 1024).build().start();
    }

    @AfterEach
    void stop() throws Exception {
        smtp.close();
        store.close();
    }

    void send(byte[] rfc5322) throws MessagingException {
        Properties p = new Properties();
        p.setProperty("mail.smtp.host", "127.0.0.1");
        p.setProperty("mail.smtp.port", Integer.toString(smtp.port()));
        p.setProperty("mail.smtp.connectiontimeout", "10000");
        p.setProperty("mail.smtp.timeout", "10000");
        Session s = Session.getInstance(p);
        Transport.send(new MimeMessage(s, new ByteArrayInputStream(rfc5322)));
    }

    @Test
    void aReportSentByJakartaMailIsStoredOnce() throws Exception {
        byte[] msg = ImapSourceTest.report("smtp-1", 3);
        send(msg);
        assertEquals(1, store.stats().reports());
        assertEquals(3, store.stats().records());
        send(msg); // the sender retries (e.g. it never saw our 250)
        assertEquals(1, store.stats().reports(), "the same bytes again are a duplicate");
    }

    @Test
    void aMessageOverTheLimitIsRefusedWith552AndNothingIsStored() {
        MessagingException e = assertThrows(MessagingException.class,
                () -> send(ImapSourceTest.bigReport("too-big", 200)));
        assertTrue(String.valueOf(e.getMessage()).contains("552") || String.valueOf(e.getCause()).contains("552"),
                e.toString());
        assertEquals(0, store.stats().blobs());
    }

    /** A raw conversation of commands: the greeting and the reply to each. */
    List<String> converse(String... lines) throws Exception {
        return converse(smtp.port(), lines);
    }

    /** A raw conversation with the receiver on {@code port}: the greeting and the reply to each line. */
    static List<String> converse(int port, String... lines) throws Exception {
        List<String> replies = new ArrayList<>();
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            BufferedReader r = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = s.getOutputStream();
            replies.add(readReply(r));
            for (String l : lines) {
                out.write((l + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                replies.add(readReply(r));
            }
        }
        return replies;
    }

    static String readReply(BufferedReader r) throws Exception {
        StringBuilder b = new StringBuilder();
        String line;
        while ((line = r.readLine()) != null) {
            b.append(line);
            if (line.length() < 4 || line.charAt(3) != '-') {
                break;
            }
            b.append('|');
        }
        return b.toString();
    }

    @Test
    void theConversationFollowsRfc5321AndTheFinal250ComesAfterTheCommit() throws Exception {
        String report = new String(ImapSourceTest.report("raw-1", 1), StandardCharsets.US_ASCII);
        List<String> cmds = new ArrayList<>(List.of("DATA", "EHLO sender.example", "MAIL FROM:<r@reporter.example> SIZE=999999",
                "MAIL FROM:<r@reporter.example>", "DATA", "RCPT TO:<rua@example.com>", "DATA"));
        for (String l : report.split("\r\n")) {
            cmds.add("X" + l); // marker: a data line, no reply expected (stripped below)
        }
        List<String> replies;
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), smtp.port())) {
            s.setSoTimeout(10_000);
            BufferedReader r = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = s.getOutputStream();
            replies = new ArrayList<>();
            replies.add(readReply(r));
            for (String c : cmds) {
                boolean data = c.startsWith("X");
                out.write(((data ? c.substring(1) : c) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                if (!data) {
                    replies.add(readReply(r));
                }
            }
            out.write("..a line that starts with a dot\r\n.\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            replies.add(readReply(r));
            assertEquals(1, store.stats().reports(), "stored before the 250 was read");
            out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            replies.add(readReply(r));
        }
        assertEquals(List.of(
                "220 aligned.localhost ESMTP Aligned report receiver",
                "503 5.5.1 send MAIL FROM and RCPT TO first",
                "250-aligned.localhost greets you|250-SIZE 65536|250-8BITMIME|250 SMTPUTF8",
                "552 5.3.4 message size exceeds fixed limit of 65536 octets",
                "250 2.1.0 OK",
                "503 5.5.1 send MAIL FROM and RCPT TO first",
                "250 2.1.5 OK",
                "354 end data with <CR><LF>.<CR><LF>",
                "250 2.0.0 stored: 1 new, 0 duplicate, 0 failed",
                "221 2.0.0 aligned.localhost closing"), replies);
        String expected = report + ".a line that starts with a dot\r\n"; // dot-unstuffed, CRLF kept
        byte[] stored = store.originalBytes(sha(expected)).orElseThrow();
        assertEquals(expected, new String(stored, StandardCharsets.US_ASCII));
    }

    private static String sha(String text) throws Exception {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(b);
        return java.util.HexFormat.of().formatHex(d);
    }

    @Test
    void aMessageThatIsNoReportIsAcceptedAndKeptWithItsError() throws Exception {
        send(ImapSourceTest.notAReport("hello"));
        assertEquals(1, store.stats().blobs());
        assertEquals(1, store.unparsed(10).size());
        assertTrue(store.errors(store.unparsed(10).get(0).sha256()).size() == 1);
        assertTrue(store.unparsed(10).get(0).firstSource().startsWith("smtp://aligned.localhost/"));
    }

    @Test
    void whenTheStoreIsDownTheSenderIsToldToRetry() throws Exception {
        store.close();
        MessagingException e = assertThrows(MessagingException.class, () -> send(ImapSourceTest.report("down", 1)));
        assertTrue(e.toString().contains("451") || String.valueOf(e.getCause()).contains("451")
                || String.valueOf(e.getNextException()).contains("451"), e.toString());
        store = ReportStore.builder().url("jdbc:sqlite:" + tmp.resolve("aligned.db")).build();
    }

    @Test
    void anOverlongCommandLineIsRefused() throws Exception {
        List<String> r = converse("EHLO " + "a".repeat(2000), "QUIT");
        assertEquals("500 5.5.6 command line too long (more than 1000 octets)", r.get(1));
    }
}
