package dev.aligned.server.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aligned.store.Ingestor;
import dev.aligned.store.ReportStore;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * STARTTLS on {@link SmtpReceiver} (RFC 3207) with a certificate made by OpenSSL and read by {@link TlsIdentity}:
 * Jakarta Mail as a real TLS client, and raw conversations for the protocol's edges.
 */
class SmtpStartTlsTest {
    @TempDir
    Path tmp;
    ReportStore store;
    SmtpReceiver smtp;

    @AfterEach
    void stop() throws Exception {
        if (smtp != null) {
            smtp.close();
        }
        if (store != null) {
            store.close();
        }
    }

    /** openssl req: a self-signed certificate for localhost / 127.0.0.1 and its PKCS#8 key. */
    static Path[] certificate(Path dir, String newKey, String... keyOptions) throws Exception {
        Path cert = dir.resolve("cert-" + newKey.replace(':', '-') + ".pem");
        Path key = dir.resolve("key-" + newKey.replace(':', '-') + ".pem");
        List<String> cmd = new ArrayList<>(List.of("openssl", "req", "-x509", "-newkey", newKey));
        for (String o : keyOptions) {
            cmd.add("-pkeyopt");
            cmd.add(o);
        }
        cmd.addAll(List.of("-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "2",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            // openssl is installed by .ci/run; on a developer machine without it there is no certificate to test with
            assumeTrue(false, "openssl is missing (Debian: apt-get install openssl)");
            throw e;
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "openssl req did not finish");
        assertEquals(0, p.exitValue(), output);
        return new Path[] {cert, key};
    }

    static SSLContext trusting(Path cert) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(cert)) {
            ks.setCertificateEntry("server", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, tmf.getTrustManagers(), null);
        return c;
    }

    SmtpReceiver start(SSLContext tls, boolean required) throws Exception {
        store = ReportStore.builder().url("jdbc:sqlite:" + tmp.resolve("aligned.db")).build();
        smtp = SmtpReceiver.builder(Ingestor.builder(store).build()).tls(tls).requireTls(required).build().start();
        return smtp;
    }

    void send(byte[] rfc5322, SSLContext trust, boolean startTls) throws MessagingException {
        Properties p = new Properties();
        p.setProperty("mail.smtp.host", "127.0.0.1");
        p.setProperty("mail.smtp.port", Integer.toString(smtp.port()));
        p.setProperty("mail.smtp.connectiontimeout", "10000");
        p.setProperty("mail.smtp.timeout", "10000");
        p.setProperty("mail.smtp.starttls.enable", Boolean.toString(startTls));
        p.setProperty("mail.smtp.starttls.required", Boolean.toString(startTls));
        p.setProperty("mail.smtp.ssl.checkserveridentity", "true");
        p.put("mail.smtp.ssl.socketFactory", trust.getSocketFactory());
        Session s = Session.getInstance(p);
        Transport.send(new MimeMessage(s, new ByteArrayInputStream(rfc5322)));
    }

    @Test
    void aReportSentOverStartTlsIsStoredAndItsSourceSaysTls() throws Exception {
        Path[] rsa = certificate(tmp, "rsa:2048");
        start(TlsIdentity.load(rsa[0], rsa[1]), false);
        send(ImapSourceTest.notAReport("over tls"), trusting(rsa[0]), true);
        assertEquals(1, store.stats().blobs());
        String source = store.unparsed(10).get(0).firstSource();
        assertTrue(source.matches("smtp://aligned\\.localhost/.*;from=127\\.0\\.0\\.1;tls=TLSv1\\.[23]"), source);
        send(ImapSourceTest.report("tls-1", 2), trusting(rsa[0]), true);
        assertEquals(1, store.stats().reports());
        assertEquals(2, store.stats().records());
    }

    @Test
    void anEcCertificateServesTooAndPlainTextStillWorksWhenTlsIsOptional() throws Exception {
        Path[] ec = certificate(tmp, "ec", "ec_paramgen_curve:P-256");
        start(TlsIdentity.load(ec[0], ec[1]), false);
        send(ImapSourceTest.report("ec-1", 1), trusting(ec[0]), true);
        send(ImapSourceTest.report("plain-1", 1), trusting(ec[0]), false);
        assertEquals(2, store.stats().reports());
    }

    @Test
    void whenTlsIsRequiredMailBeforeStartTlsIsRefusedWith530() throws Exception {
        Path[] rsa = certificate(tmp, "rsa:2048");
        start(TlsIdentity.load(rsa[0], rsa[1]), true);
        List<String> r = SmtpReceiverTest.converse(smtp.port(), "EHLO sender.example",
                "MAIL FROM:<r@reporter.example>", "STARTTLS now");
        assertEquals(List.of("220 aligned.localhost ESMTP Aligned report receiver",
                "250-aligned.localhost greets you|250-SIZE 67108864|250-STARTTLS|250-8BITMIME|250 SMTPUTF8",
                "530 5.7.0 must issue a STARTTLS command first",
                "501 5.5.4 STARTTLS takes no parameters"), r);
        assertThrows(MessagingException.class,
                () -> send(ImapSourceTest.report("plain", 1), trusting(rsa[0]), false));
        send(ImapSourceTest.report("secure", 1), trusting(rsa[0]), true);
        assertEquals(1, store.stats().reports());
    }

    @Test
    void commandsPipelinedBehindStartTlsAreDiscardedAndTheClientStartsAfresh() throws Exception {
        Path[] rsa = certificate(tmp, "rsa:2048");
        start(TlsIdentity.load(rsa[0], rsa[1]), false);
        List<String> r = new ArrayList<>();
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), smtp.port())) {
            s.setSoTimeout(10_000);
            BufferedReader in = reader(s);
            r.add(SmtpReceiverTest.readReply(in));
            r.add(command(s, in, "EHLO sender.example"));
            // an attacker in the path appends a command to the client's STARTTLS (CVE-2011-0411)
            r.add(command(s, in, "STARTTLS\r\nMAIL FROM:<injected@attacker.example>"));
            SSLSocket tls = (SSLSocket) trusting(rsa[0]).getSocketFactory().createSocket(s, "localhost", s.getPort(),
                    true);
            tls.startHandshake();
            BufferedReader secure = reader(tls);
            r.add(command(tls, secure, "RCPT TO:<rua@example.com>"));
            r.add(command(tls, secure, "EHLO sender.example"));
            r.add(command(tls, secure, "STARTTLS"));
            r.add(command(tls, secure, "QUIT"));
        }
        assertEquals(List.of("220 aligned.localhost ESMTP Aligned report receiver",
                "250-aligned.localhost greets you|250-SIZE 67108864|250-STARTTLS|250-8BITMIME|250 SMTPUTF8",
                "220 2.0.0 ready to start TLS",
                "503 5.5.1 send MAIL FROM first",
                "250-aligned.localhost greets you|250-SIZE 67108864|250-8BITMIME|250 SMTPUTF8",
                "503 5.5.1 TLS is already active",
                "221 2.0.0 aligned.localhost closing"), r);
    }

    @Test
    void withoutTlsStartTlsIsNotOfferedNorImplemented() throws Exception {
        store = ReportStore.builder().url("jdbc:sqlite:" + tmp.resolve("aligned.db")).build();
        smtp = SmtpReceiver.builder(Ingestor.builder(store).build()).build().start();
        List<String> r = SmtpReceiverTest.converse(smtp.port(), "EHLO x", "STARTTLS");
        assertTrue(!r.get(1).contains("STARTTLS"), r.get(1));
        assertEquals("502 5.5.2 command not implemented", r.get(2));
        assertThrows(IllegalStateException.class,
                () -> SmtpReceiver.builder(Ingestor.builder(store).build()).requireTls(true).build());
    }

    @Test
    void unusableKeyFilesAreRefusedWithTheFileAndTheFix() throws Exception {
        Path[] rsa = certificate(tmp, "rsa:2048");
        Path[] ec = certificate(tmp, "ec", "ec_paramgen_curve:P-256");
        TlsIdentity.Invalid mismatch = assertThrows(TlsIdentity.Invalid.class, () -> TlsIdentity.load(rsa[0], ec[1]));
        assertTrue(mismatch.getMessage().startsWith(ec[1] + ": a EC key does not belong to the RSA certificate"),
                mismatch.getMessage());

        Path pkcs1 = tmp.resolve("pkcs1.pem");
        Process p = new ProcessBuilder("openssl", "pkey", "-in", rsa[1].toString(), "-traditional", "-out",
                pkcs1.toString()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor());
        TlsIdentity.Invalid legacy = assertThrows(TlsIdentity.Invalid.class, () -> TlsIdentity.load(rsa[0], pkcs1));
        assertEquals(pkcs1 + ": a 'RSA PRIVATE KEY' (PKCS#1/SEC1) file; convert it to PKCS#8: openssl pkcs8 -topk8 "
                + "-nocrypt -in " + pkcs1 + " -out server.key", legacy.getMessage());

        Path encrypted = tmp.resolve("encrypted.pem");
        p = new ProcessBuilder("openssl", "pkcs8", "-topk8", "-in", rsa[1].toString(), "-passout", "pass:secret",
                "-out", encrypted.toString()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor());
        TlsIdentity.Invalid enc = assertThrows(TlsIdentity.Invalid.class, () -> TlsIdentity.load(rsa[0], encrypted));
        assertTrue(enc.getMessage().startsWith(encrypted + ": the private key is encrypted"), enc.getMessage());

        TlsIdentity.Invalid notCert = assertThrows(TlsIdentity.Invalid.class, () -> TlsIdentity.load(rsa[1], rsa[1]));
        assertTrue(notCert.getMessage().startsWith(rsa[1] + ": "), notCert.getMessage());
        TlsIdentity.Invalid missing = assertThrows(TlsIdentity.Invalid.class,
                () -> TlsIdentity.load(tmp.resolve("nope.pem"), rsa[1]));
        assertTrue(missing.getMessage().startsWith(tmp.resolve("nope.pem") + ": cannot read the certificate"),
                missing.getMessage());
    }

    private static BufferedReader reader(Socket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
    }

    private static String command(Socket s, BufferedReader in, String line) throws Exception {
        OutputStream out = s.getOutputStream();
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return SmtpReceiverTest.readReply(in);
    }
}
