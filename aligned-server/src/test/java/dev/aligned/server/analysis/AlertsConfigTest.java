package dev.aligned.server.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.server.ingest.ConfigError;
import dev.aligned.server.ingest.ConfigException;
import dev.aligned.server.ingest.IngestConfig;
import dev.aligned.server.ingest.Secret;
import dev.aligned.server.reporting.SmtpSecurity;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertsConfigTest {
    static final Path FILE = Path.of("aligned.yaml");

    @TempDir
    Path dir;

    static AlertsConfig parse(String yaml, Map<String, String> env) throws ConfigException {
        return AlertsConfig.parse(FILE, yaml, env).orElseThrow();
    }

    static List<String> problems(String yaml, Map<String, String> env) {
        ConfigException e = assertThrows(ConfigException.class, () -> AlertsConfig.parse(FILE, yaml, env));
        return e.errors().stream().map(ConfigError::toString).toList();
    }

    @Test
    void aFullSectionIsReadWithTheSecretFromTheEnvironment() throws Exception {
        AlertsConfig c = parse("""
                alerts:
                  webhook: {url: "https://hooks.example.com/aligned", timeout: 5s}
                  email:
                    host: smtp.example.com
                    security: tls
                    user: alerts@example.com
                    password: ${ALERT_PW}
                    from: Aligned <alerts@example.com>
                    to: [dmarc@example.com, postmaster@example.com]
                  pass_rate_drop: 0.2
                  baseline_days: 14
                  min_messages: 50
                  interval: 5m
                """, Map.of("ALERT_PW", "s3cret-value"));
        assertEquals(Optional.of(new AlertsConfig.Webhook(URI.create("https://hooks.example.com/aligned"),
                Duration.ofSeconds(5))), c.webhook());
        AlertsConfig.Email e = c.email().orElseThrow();
        assertEquals("smtp.example.com", e.host());
        assertEquals(465, e.port());
        assertEquals(SmtpSecurity.TLS, e.security());
        assertEquals(Optional.of("alerts@example.com"), e.user());
        assertEquals(Optional.of(Secret.of("s3cret-value")), e.password());
        assertEquals(List.of("dmarc@example.com", "postmaster@example.com"), e.to());
        assertEquals(0.2, c.passRateDrop());
        assertEquals(14, c.baselineDays());
        assertEquals(50, c.minMessages());
        assertEquals(Duration.ofMinutes(5), c.interval());
        assertFalse(c.toString().contains("s3cret-value"), c.toString());
        assertTrue(c.toString().contains("password=Optional[[redacted]]"), c.toString());
        assertEquals(2, c.sinks().size());
        assertEquals("true", e.properties().get("mail.smtp.ssl.enable"));
        assertFalse(e.properties().containsValue("s3cret-value"));
    }

    @Test
    void defaultsApplyWhenOnlyASinkIsGiven() throws Exception {
        AlertsConfig c = parse("alerts:\n  webhook:\n    url: http://127.0.0.1:9000/hook\n"
                + "  email: {host: relay.example, from: a@example.com, to: owner@example.com}\n", Map.of());
        assertEquals(Duration.ofSeconds(10), c.webhook().orElseThrow().timeout());
        AlertsConfig.Email e = c.email().orElseThrow();
        assertEquals(SmtpSecurity.STARTTLS, e.security());
        assertEquals(587, e.port());
        assertEquals(List.of("owner@example.com"), e.to());
        assertEquals(Optional.empty(), e.user());
        assertEquals(0.10, c.passRateDrop());
        assertEquals(7, c.baselineDays());
        assertEquals(100, c.minMessages());
        assertEquals(AlertsConfig.DEFAULT_INTERVAL, c.interval());
        assertEquals(Duration.ofMinutes(15), c.interval());
    }

    @Test
    void aPercentageIsAcceptedForThePassRateDrop() throws Exception {
        assertEquals(0.15, parse("alerts:\n  webhook: {url: 'http://h.example/'}\n  pass_rate_drop: 15%\n",
                Map.of()).passRateDrop(), 1e-9);
    }

    @Test
    void aFileWithoutAnAlertsSectionHasNoAlerts() throws Exception {
        assertEquals(Optional.empty(), AlertsConfig.parse(FILE, "directories: [/tmp]\n", Map.of()));
        assertEquals(Optional.empty(), AlertsConfig.parse(FILE, "", Map.of()));
    }

    @Test
    void everyBadValueIsReportedWithItsKey() {
        List<String> p = problems("""
                alerts:
                  webhook: {url: "ftp://files.example/x", timeout: 10m}
                  email: {host: smtp.example.com, port: 70000, security: ssl, user: me, from: "not an address",
                          to: []}
                  pass_rate_drop: 1.5
                  baseline_days: 0
                  min_messages: lots
                  interval: soon
                  colour: red
                """, Map.of());
        assertEquals(List.of(
                "alerts.colour: unknown key; known keys here: baseline_days, email, interval, min_messages, "
                        + "pass_rate_drop, webhook",
                "alerts.webhook.url: expected an http:// or https:// URL with a host, got 'ftp://files.example/x'",
                "alerts.webhook.timeout: must be between 1s and 5m, got 10m",
                "alerts.email.security: expected one of starttls, tls, none, got 'ssl'",
                "alerts.email.port: must be between 1 and 65535, got 70000",
                "alerts.email.password: missing (user is set); write password: ${ALIGNED_ALERT_SMTP_PASSWORD} and "
                        + "set that environment variable (keep passwords out of the file)",
                "alerts.email.from: 'not an address' is not an e-mail address (name@domain)",
                "alerts.email.to: empty: give at least one address",
                "alerts.pass_rate_drop: must be above 0 and at most 1 (0.10 = ten percentage points), got '1.5'",
                "alerts.baseline_days: must be between 1 and 365 days, got 0",
                "alerts.min_messages: expected a whole number, got 'lots'",
                "alerts.interval: expected a duration such as 30s, 15m or 1h, got 'soon'"), p);
    }

    @Test
    void aSectionWithoutASinkOrWithAnUnsetVariableIsAnError() {
        assertEquals(List.of("alerts: no sink: add 'webhook: {url: ...}' or 'email: {host: ..., from: ..., "
                + "to: [...]}'"), problems("alerts:\n  interval: 1h\n", Map.of()));
        assertEquals(List.of("alerts.email.password: environment variable NOPE is not set; export it before "
                + "starting Aligned (referenced as ${NOPE})"), problems("alerts:\n  email: {host: h.example, "
                + "user: u, password: '${NOPE}', from: a@h.example, to: b@h.example}\n", Map.of()));
        assertEquals(List.of("alerts: expected a mapping (key: value lines), got '42'"),
                problems("alerts: 42\n", Map.of()));
        assertEquals(List.of("alerts.email.to[1]: 'x' is not an e-mail address (name@domain)"),
                problems("alerts:\n  email: {host: h.example, from: a@h.example, to: [b@h.example, x]}\n",
                        Map.of()));
    }

    @Test
    void theIngestConfigurationAcceptsTheAlertsSection() throws Exception {
        Path f = dir.resolve("aligned.yaml");
        Files.writeString(f, "directories: [" + dir + "]\nalerts:\n  webhook: {url: 'http://127.0.0.1:9/'}\n");
        assertEquals(1, IngestConfig.load(f, Map.of()).directories().size());
        assertEquals(URI.create("http://127.0.0.1:9/"),
                AlertsConfig.loadIfPresent(f, Map.of()).orElseThrow().webhook().orElseThrow().url());
    }
}
