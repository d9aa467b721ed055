package dev.aligned.server.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestConfigTest {
    static final String SECRET = "s3cr3t-imap-pw";

    @TempDir
    Path tmp;

    IngestConfig load(String yaml, Map<String, String> env) throws IOException, ConfigException {
        Path f = tmp.resolve("aligned.yaml");
        Files.writeString(f, yaml);
        return IngestConfig.load(f, env);
    }

    List<String> errors(String yaml, Map<String, String> env) throws IOException {
        ConfigException e = assertThrows(ConfigException.class, () -> load(yaml, env));
        return e.errors().stream().map(ConfigError::toString).toList();
    }

    @Test
    void aFullFileWithSecretsFromTheEnvironment() throws Exception {
        IngestConfig c = load("""
                database:
                  url: jdbc:postgresql://127.0.0.1:5432/aligned?user=aligned
                  password: ${ALIGNED_DB_PASSWORD}
                imap:
                  - name: rua
                    host: imap.example.com
                    security: starttls
                    user: dmarc@example.com
                    password: ${ALIGNED_IMAP_PASSWORD}
                    processed_folder: Done
                    after_ingest: flag
                    poll_interval: 5m
                    idle: false
                    max_message_bytes: 10MiB
                    max_messages_per_poll: 50
                directories:
                  - path: spool
                    poll_interval: 30s
                  - /var/dmarc
                """, Map.of("ALIGNED_DB_PASSWORD", "dbpw", "ALIGNED_IMAP_PASSWORD", SECRET));
        assertEquals(Optional.of("jdbc:postgresql://127.0.0.1:5432/aligned?user=aligned"), c.databaseUrl());
        assertEquals("dbpw", c.databasePassword().orElseThrow().reveal());
        ImapMailbox b = c.mailboxes().get(0);
        assertEquals("rua", b.name());
        assertEquals(143, b.port());
        assertEquals(ImapSecurity.STARTTLS, b.security());
        assertEquals(SECRET, b.password().reveal());
        assertEquals("INBOX", b.folder());
        assertEquals("Done", b.processedFolder());
        assertEquals("Aligned/Error", b.errorFolder());
        assertEquals(AfterIngest.FLAG, b.afterIngest());
        assertEquals(Duration.ofMinutes(5), b.pollInterval());
        assertFalse(b.idle());
        assertEquals(10L << 20, b.maxMessageBytes());
        assertEquals(50, b.maxMessagesPerPoll());
        assertEquals(List.of(new WatchedDirectory(tmp.resolve("spool"), Duration.ofSeconds(30)),
                new WatchedDirectory(Path.of("/var/dmarc"), Duration.ofMinutes(1))), c.directories());
        assertFalse(c.toString().contains(SECRET), c.toString());
        assertFalse(c.toString().contains("dbpw"), c.toString());
    }

    @Test
    void defaultsAreTlsOnPort993AndTheStandardFolders() throws Exception {
        ImapMailbox b = load("""
                imap:
                  - host: imap.example.com
                    user: u
                    password: ${PW}
                """, Map.of("PW", SECRET)).mailboxes().get(0);
        assertEquals(ImapSecurity.TLS, b.security());
        assertEquals(993, b.port());
        assertEquals("u@imap.example.com", b.name());
        assertEquals("Aligned/Processed", b.processedFolder());
        assertEquals(AfterIngest.MOVE, b.afterIngest());
        assertTrue(b.idle());
    }

    @Test
    void anUnsetVariableIsAnErrorNamingTheKeyAndTheVariable() throws Exception {
        assertEquals(List.of("imap[0].password: environment variable ALIGNED_IMAP_PASSWORD is not set; export it "
                + "before starting Aligned (referenced as ${ALIGNED_IMAP_PASSWORD})"), errors("""
                imap:
                  - host: imap.example.com
                    user: u
                    password: ${ALIGNED_IMAP_PASSWORD}
                """, Map.of()));
    }

    @Test
    void everyProblemIsReportedWithItsKey() throws Exception {
        List<String> errs = errors("""
                databse:
                  url: x
                imap:
                  - host: imap.example.com
                    port: 99999
                    security: ssl
                    password: ${PW}
                    poll_interval: soon
                  - host: mail.example.org
                    user: v
                    security: none
                    password: x
                directories:
                  - poll_interval: 10s
                """, Map.of("PW", SECRET));
        assertEquals(List.of(
                "databse: unknown key; known keys here: alerts, database, directories, http, imap, milter, reporting, smtp",
                "imap[0].user: missing",
                "imap[0].security: expected one of tls, starttls, none, got 'ssl'",
                "imap[0].poll_interval: expected a duration such as 30s, 5m or 1h, got 'soon'",
                "imap[0].port: must be between 1 and 65535, got 99999",
                "imap[1].security: 'none' sends the password in clear text and is allowed only to a loopback host, "
                        + "not mail.example.org; use tls (port 993) or starttls (port 143)",
                "directories[0].path: missing"), errs);
        assertFalse(errs.toString().contains(SECRET));
    }

    @Test
    void aMissingPasswordSaysHowToGiveOne() throws Exception {
        assertEquals(List.of("imap[0].password: missing; write password: ${ALIGNED_IMAP_PASSWORD} and set that "
                + "environment variable (keep passwords out of the file)"), errors("""
                imap:
                  - host: imap.example.com
                    user: u
                """, Map.of()));
    }

    @Test
    void aRangeErrorNamesTheKey() throws Exception {
        assertEquals(List.of("imap[0].port: must be between 1 and 65535, got 99999"), errors("""
                imap:
                  - host: imap.example.com
                    user: u
                    password: p
                    port: 99999
                """, Map.of()));
    }

    @Test
    void brokenYamlIsReportedWithLineAndColumn() throws Exception {
        assertEquals(List.of("(yaml): line 3, column 4: expected <block end>, but found '<block mapping start>' "
                + "(while parsing a block collection)"), errors("imap:\n  - host: a\n   user: b\n", Map.of()));
    }

    @Test
    void anEmptyFileHasNoSource() throws Exception {
        assertEquals(List.of("imap: no source configured: add an 'imap' mailbox, a 'directories' entry, 'smtp' or 'http'"),
                errors("", Map.of()));
    }

    @Test
    void twoMailboxesMayNotShareAName() throws Exception {
        assertEquals(List.of("imap[1].name: 'a' is used by another mailbox; give each mailbox its own name"), errors("""
                imap:
                  - {name: a, host: h1.example, user: u, password: p}
                  - {name: a, host: h2.example, user: u, password: p}
                """, Map.of()));
    }

    @Test
    void smtpTlsFilesAreReadRelativeToTheFileAndProblemsNameTheKey() throws Exception {
        Path[] rsa = SmtpStartTlsTest.certificate(tmp, "rsa:2048");
        IngestConfig c = load("""
                smtp:
                  listen: 0
                  tls_certificate: %s
                  tls_key: %s
                  require_tls: true
                """.formatted(rsa[0].getFileName(), rsa[1].getFileName()), Map.of());
        ReceiverSettings s = c.smtp().orElseThrow();
        assertTrue(s.tls().isPresent());
        assertTrue(s.requireTls());
        assertEquals(" (STARTTLS required)", s.tlsLabel());
        assertEquals(List.of("smtp.require_tls: needs tls_certificate and tls_key (PEM files) to offer STARTTLS"),
                errors("smtp:\n  require_tls: true\n", Map.of()));
        assertEquals(List.of("smtp.tls_key: missing: STARTTLS needs both tls_certificate (the PEM chain, e.g. "
                + "fullchain.pem) and tls_key (its PKCS#8 key, privkey.pem)"),
                errors("smtp:\n  tls_certificate: " + rsa[0] + "\n", Map.of()));
        assertEquals(List.of("smtp.tls_certificate: " + tmp.resolve("missing.pem")
                + ": cannot read the certificate (NoSuchFileException: " + tmp.resolve("missing.pem") + ")"),
                errors("smtp:\n  tls_certificate: missing.pem\n  tls_key: " + rsa[1] + "\n", Map.of()));
    }

    @Test
    void receiversListenOnLoopbackByDefaultAndHttpOffLoopbackNeedsAToken() throws Exception {
        IngestConfig c = load("""
                smtp: {}
                http:
                  listen: 127.0.0.1:0
                  max_upload_bytes: 1MiB
                  token: ${T}
                """, Map.of("T", SECRET));
        assertEquals(new ReceiverSettings("127.0.0.1", 2525, 64L << 20, Optional.empty()), c.smtp().orElseThrow());
        ReceiverSettings h = c.http().orElseThrow();
        assertEquals(0, h.port());
        assertEquals(1L << 20, h.maxBytes());
        assertEquals(SECRET, h.token().orElseThrow().reveal());
        assertFalse(h.toString().contains(SECRET));
        assertEquals(List.of("smtp.listen: expected HOST:PORT (e.g. 127.0.0.1:2525) or a port, got 'mail:smtp'",
                "http.token: required when listening on 0.0.0.0 (not loopback): write token: "
                        + "${ALIGNED_UPLOAD_TOKEN} and set that variable"), errors("""
                http:
                  listen: 0.0.0.0:8025
                smtp:
                  listen: mail:smtp
                """, Map.of()));
    }

    @Test
    void aSecretNeverPrintsItself() {
        Secret s = Secret.of(SECRET);
        assertEquals("[redacted]", s.toString());
        assertEquals("x [redacted]", "x " + s);
        assertEquals(SECRET, s.reveal());
    }

    @Test
    void aWatchedDirectoryMovesFilesWhenGivenBothFoldersRelativeToItself() throws Exception {
        IngestConfig c = load("""
                directories:
                  - path: spool
                    processed_folder: done
                    error_folder: /var/dmarc-errors
                """, Map.of());
        WatchedDirectory d = c.directories().get(0);
        assertEquals(tmp.resolve("spool"), d.path());
        assertEquals(Optional.of(tmp.resolve("spool/done")), d.processedFolder());
        assertEquals(Optional.of(Path.of("/var/dmarc-errors")), d.errorFolder());
        assertTrue(d.movesFiles());
    }

    @Test
    void aProcessedFolderWithoutAnErrorFolderIsAProblemThatSaysWhy() throws Exception {
        assertEquals(List.of("directories[0].error_folder: required when processed_folder is set (files are moved "
                + "to one or the other after the store has committed them)",
                "directories[1].processed_folder: must not be the watched directory itself"), errors("""
                directories:
                  - path: spool
                    processed_folder: done
                  - path: other
                    processed_folder: .
                    error_folder: err
                """, Map.of()));
    }
}
