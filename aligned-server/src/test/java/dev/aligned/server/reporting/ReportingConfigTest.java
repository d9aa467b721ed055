package dev.aligned.server.reporting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.aligned.dns.DomainName;
import dev.aligned.server.ingest.ConfigError;
import dev.aligned.server.ingest.ConfigException;
import dev.aligned.server.ingest.IngestConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportingConfigTest {
    static final String PW = "smtp-pw-never-printed";

    @TempDir
    Path tmp;

    ReportingConfig load(String yaml, Map<String, String> env) throws Exception {
        Path f = tmp.resolve("aligned.yaml");
        Files.writeString(f, yaml);
        return ReportingConfig.load(f, env);
    }

    List<String> errors(String yaml) throws Exception {
        Path f = tmp.resolve("bad.yaml");
        Files.writeString(f, yaml);
        return assertThrows(ConfigException.class, () -> ReportingConfig.load(f, Map.of())).errors().stream()
                .map(ConfigError::toString).toList();
    }

    @Test
    void aFullSectionWithTheSmtpPasswordFromTheEnvironment() throws Exception {
        ReportingConfig c = load("""
                database:
                  url: jdbc:sqlite:aligned.db
                reporting:
                  org_name: Receiver Example
                  email: dmarc-reports@receiver.example
                  extra_contact_info: https://receiver.example/dmarc
                  submitter: mx.receiver.example
                  report_id_prefix: rx
                  smtp:
                    host: smtp.receiver.example
                    user: dmarc-reports@receiver.example
                    password: ${ALIGNED_SMTP_PASSWORD}
                  retry:
                    attempts: 5
                    first_delay: 1m
                    max_delay: 2h
                  suppress:
                    - noisy.example
                    - dmarc@bounce.example
                  keep_days: 14
                  failure:
                    enabled: true
                    max_per_hour: 20
                    headers: minimal
                    redact_local_parts: true
                  dry_run: out
                """, Map.of("ALIGNED_SMTP_PASSWORD", PW));
        assertEquals(Optional.of("jdbc:sqlite:aligned.db"), c.databaseUrl());
        assertEquals("Receiver Example", c.orgName());
        assertEquals(DomainName.of("mx.receiver.example"), c.submitter());
        assertEquals("rx", c.reportIdPrefix());
        SmtpSettings s = c.smtp().orElseThrow();
        assertEquals(587, s.port());
        assertEquals(SmtpSecurity.STARTTLS, s.security());
        assertEquals(PW, s.password().orElseThrow().reveal());
        assertEquals(new RetryPolicy(5, Duration.ofMinutes(1), Duration.ofHours(2)), c.retry());
        assertEquals(Optional.of("suppressed: noisy.example is on the suppression list"),
                c.suppression().reason("rua@eu.noisy.example"));
        assertEquals(14, c.keepDays());
        assertEquals(new FailureSettings(true, 20, FailureSettings.HeaderScope.MINIMAL, true, Optional.empty()),
                c.failure());
        assertEquals(Optional.of(tmp.resolve("out")), c.dryRun());
        assertFalse(c.toString().contains(PW), c.toString());
    }

    @Test
    void defaultsFollowTheSecurityAndTheEmailDomain() throws Exception {
        ReportingConfig c = load("""
                reporting:
                  org_name: R
                  email: r@receiver.example
                  smtp:
                    host: 127.0.0.1
                    security: tls
                """, Map.of());
        assertEquals(465, c.smtp().get().port());
        assertEquals(DomainName.of("receiver.example"), c.submitter());
        assertEquals(RetryPolicy.DEFAULT, c.retry());
        assertFalse(c.failure().enabled());
    }

    @Test
    void everyProblemIsReportedWithItsKey() throws Exception {
        assertEquals(List.of(
                "reporting.colour: unknown key; known keys here: aggregate, dry_run, email, extra_contact_info, "
                        + "failure, keep_days, org_name, report_id_prefix, retry, smtp, submitter, suppress",
                "reporting.email: 'nobody' is not an address (name@domain)",
                "reporting.report_id_prefix: only letters and digits (at most 32), as the RFC 9990 file name needs; "
                        + "got 'a-b'",
                "reporting.smtp.port: must be between 1 and 65535, got 70000",
                "reporting.smtp.password: missing for user u; write password: ${ALIGNED_SMTP_PASSWORD} and set that "
                        + "environment variable (keep passwords out of the file)",
                "reporting.suppress[0]: '@' is neither an address nor a domain",
                "reporting.failure.max_per_hour: expected a whole number, got 'many'"),
                errors("""
                        reporting:
                          colour: blue
                          org_name: R
                          email: nobody
                          report_id_prefix: a-b
                          smtp:
                            host: h
                            port: 70000
                            user: u
                          suppress: ['@']
                          failure:
                            max_per_hour: many
                        """));
    }

    @Test
    void aMissingSectionSaysWhatToWrite() throws Exception {
        assertEquals(List.of("reporting: missing: add a 'reporting:' section with at least org_name and email "
                + "(see docs/receiver.md)"), errors("database:\n  url: jdbc:sqlite:x.db\n"));
    }

    @Test
    void theIngestConfigurationAcceptsAReportingSection() throws Exception {
        Path f = tmp.resolve("both.yaml");
        Files.writeString(f, "directories:\n  - spool\nreporting:\n  org_name: R\n  email: r@receiver.example\n");
        assertEquals(1, IngestConfig.load(f, Map.of()).directories().size());
    }
}
