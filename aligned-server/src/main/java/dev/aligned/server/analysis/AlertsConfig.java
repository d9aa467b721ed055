package dev.aligned.server.analysis;

import dev.aligned.server.config.ConfigReader;
import dev.aligned.server.ingest.ConfigError;
import dev.aligned.server.ingest.ConfigException;
import dev.aligned.server.ingest.Secret;
import dev.aligned.server.reporting.SmtpSecurity;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * The {@code alerts:} section of {@code aligned.yaml}: where alerts go (a webhook, e-mail, or both), when a pass-rate
 * drop is worth one, and how often {@link AlertsComponent} looks. Secrets come from {@code ${NAME}} environment
 * references and print as {@code [redacted]}. See {@code docs/configuration.md}.
 *
 * <pre>{@code
 * Optional<AlertsConfig> cfg = AlertsConfig.loadIfPresent(Path.of("aligned.yaml"), System.getenv());
 * cfg.ifPresent(c -> System.out.println(c));   // password=[redacted]
 * }</pre>
 *
 * @param webhook the webhook, if configured
 * @param email the e-mail sink, if configured
 * @param passRateDrop the absolute drop of the DMARC pass rate (0..1) that raises an alert
 * @param baselineDays the days before the latest report day the rate is compared with
 * @param minMessages fewer messages than this on the day or in the baseline raise no pass-rate alert
 * @param interval how often the detector runs
 */
public record AlertsConfig(Optional<Webhook> webhook, Optional<Email> email, double passRateDrop, int baselineDays,
        long minMessages, Duration interval) {

    /** Default {@link #interval}. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(15);

    private static final int MAX_FILE_CHARS = 1 << 20;
    private static final Set<String> KEYS = Set.of("webhook", "email", "pass_rate_drop", "baseline_days",
            "min_messages", "interval");
    private static final Set<String> WEBHOOK = Set.of("url", "timeout");
    private static final Set<String> EMAIL = Set.of("host", "port", "security", "user", "password", "from", "to",
            "timeout");

    public AlertsConfig {
        Objects.requireNonNull(webhook, "webhook");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(interval, "interval");
        if (webhook.isEmpty() && email.isEmpty()) {
            throw new IllegalArgumentException("alerts need a webhook or an e-mail sink");
        }
    }

    /**
     * An HTTP POST of each alert as JSON.
     *
     * @param url http or https
     * @param timeout connect and response timeout
     */
    public record Webhook(URI url, Duration timeout) {
        public Webhook {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(timeout, "timeout");
        }
    }

    /**
     * An e-mail per alert through an SMTP submission server.
     *
     * @param host the SMTP server
     * @param port its port (default from {@code security})
     * @param security STARTTLS, TLS or none
     * @param user the login, if the server wants one
     * @param password the login's password (prints as {@code [redacted]})
     * @param from the {@code From:} address
     * @param to the recipients (at least one)
     * @param timeout connect and read timeout
     */
    public record Email(String host, int port, SmtpSecurity security, Optional<String> user,
            Optional<Secret> password, String from, List<String> to, Duration timeout) {
        public Email {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(security, "security");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
            Objects.requireNonNull(from, "from");
            to = List.copyOf(to);
            Objects.requireNonNull(timeout, "timeout");
        }

        /** The Jakarta Mail session properties for this server (no password: that goes to the authenticator). */
        Properties properties() {
            Properties p = new Properties();
            String ms = Long.toString(timeout.toMillis());
            p.put("mail.smtp.host", host);
            p.put("mail.smtp.port", Integer.toString(port));
            p.put("mail.smtp.connectiontimeout", ms);
            p.put("mail.smtp.timeout", ms);
            p.put("mail.smtp.writetimeout", ms);
            p.put("mail.smtp.auth", Boolean.toString(user.isPresent()));
            switch (security) {
                case STARTTLS -> {
                    p.put("mail.smtp.starttls.enable", "true");
                    p.put("mail.smtp.starttls.required", "true");
                    p.put("mail.smtp.ssl.checkserveridentity", "true");
                }
                case TLS -> {
                    p.put("mail.smtp.ssl.enable", "true");
                    p.put("mail.smtp.ssl.checkserveridentity", "true");
                }
                case NONE -> {
                }
            }
            return p;
        }
    }

    /** The sinks: the webhook first, then e-mail. */
    public List<AlertSink> sinks() {
        List<AlertSink> out = new ArrayList<>();
        webhook.ifPresent(w -> out.add(new WebhookSink(w.url(), w.timeout())));
        email.ifPresent(e -> out.add(new EmailSink(e.properties(), e.from(), e.to(), e.user().orElse(null),
                e.password().map(Secret::reveal).orElse(""))));
        return out;
    }

    /** A detector over {@code analysis} with these thresholds, sending to every sink. */
    public AlertDetector detector(Analysis analysis) {
        AlertDetector.Builder b = AlertDetector.builder(analysis).passRateDrop(passRateDrop)
                .baselineDays(baselineDays).minMessages(minMessages);
        sinks().forEach(b::sink);
        return b.build();
    }

    /**
     * Reads the {@code alerts:} section of {@code file}; empty when there is none. {@code ${NAME}} references are
     * looked up in {@code env}.
     *
     * @throws ConfigException listing every problem, each with its key ({@code alerts.email.port: ...})
     * @throws IOException when the file cannot be read
     */
    public static Optional<AlertsConfig> loadIfPresent(Path file, Map<String, String> env)
            throws IOException, ConfigException {
        if (Files.size(file) > MAX_FILE_CHARS * 4L) {
            throw new ConfigException(file, List.of(new ConfigError("(file)", "too large for a configuration file")));
        }
        return parse(file, Files.readString(file, StandardCharsets.UTF_8), env);
    }

    static Optional<AlertsConfig> parse(Path file, String text, Map<String, String> env) throws ConfigException {
        Object root = ConfigReader.load(file, text, MAX_FILE_CHARS);
        if (!(root instanceof Map<?, ?> top) || !top.containsKey("alerts")) {
            return Optional.empty();
        }
        ConfigReader r = new ConfigReader(env);
        AlertsConfig cfg = alerts(r, top.get("alerts"));
        if (!r.errors().isEmpty()) {
            throw new ConfigException(file, r.errors());
        }
        return Optional.of(cfg);
    }

    private static AlertsConfig alerts(ConfigReader r, Object node) {
        Map<String, Object> m = r.mapOrNull("alerts", node);
        if (m == null) {
            return null;
        }
        r.unknown("alerts.", m, KEYS);
        Optional<Webhook> webhook = m.get("webhook") == null ? Optional.empty()
                : Optional.ofNullable(webhook(r, m.get("webhook")));
        Optional<Email> email = m.get("email") == null ? Optional.empty()
                : Optional.ofNullable(email(r, m.get("email")));
        if (!m.containsKey("webhook") && !m.containsKey("email")) {
            r.error("alerts", "no sink: add 'webhook: {url: ...}' or 'email: {host: ..., from: ..., to: [...]}'");
        }
        double drop = fraction(r, "alerts.pass_rate_drop", m.get("pass_rate_drop"), 0.10);
        long baseline = r.number("alerts.baseline_days", m.get("baseline_days"), 7);
        if (baseline < 1 || baseline > 365) {
            r.error("alerts.baseline_days", "must be between 1 and 365 days, got " + baseline);
        }
        long min = r.number("alerts.min_messages", m.get("min_messages"), 100);
        if (min < 1) {
            r.error("alerts.min_messages", "must be at least 1, got " + min);
        }
        Duration interval = duration(r, "alerts.interval", m.get("interval"), DEFAULT_INTERVAL);
        if (interval.compareTo(Duration.ofSeconds(1)) < 0 || interval.compareTo(Duration.ofDays(1)) > 0) {
            r.error("alerts.interval", "must be between 1s and 24h, got " + text(interval));
        }
        if (!r.errors().isEmpty()) {
            return null;
        }
        return new AlertsConfig(webhook, email, drop, (int) baseline, min, interval);
    }

    private static Webhook webhook(ConfigReader r, Object node) {
        Map<String, Object> m = r.mapOrNull("alerts.webhook", node);
        if (m == null) {
            return null;
        }
        r.unknown("alerts.webhook.", m, WEBHOOK);
        int before = r.errors().size();
        String url = nonBlank(r, "alerts.webhook.url", m);
        URI uri = null;
        if (url != null) {
            try {
                uri = new URI(url.trim());
                String scheme = String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT);
                if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                    r.error("alerts.webhook.url", "expected an http:// or https:// URL with a host, got '" + url
                            + "'");
                }
            } catch (URISyntaxException e) {
                r.error("alerts.webhook.url", "not a URL: " + e.getMessage());
            }
        }
        Duration timeout = timeout(r, "alerts.webhook.timeout", m.get("timeout"), Duration.ofSeconds(10));
        return r.errors().size() > before ? null : new Webhook(uri, timeout);
    }

    private static Email email(ConfigReader r, Object node) {
        Map<String, Object> m = r.mapOrNull("alerts.email", node);
        if (m == null) {
            return null;
        }
        r.unknown("alerts.email.", m, EMAIL);
        int before = r.errors().size();
        String host = nonBlank(r, "alerts.email.host", m);
        SmtpSecurity security = r.enumValue("alerts.email.security", m.get("security"), SmtpSecurity.class,
                SmtpSecurity.STARTTLS);
        int port = (int) r.number("alerts.email.port", m.get("port"), security.defaultPort(), 1, 65535);
        Optional<String> user = Optional.ofNullable(r.string("alerts.email.user", m.get("user")));
        Optional<Secret> password = Optional.ofNullable(r.string("alerts.email.password", m.get("password")))
                .map(Secret::of);
        if (user.isPresent() && !m.containsKey("password")) {
            r.error("alerts.email.password", "missing (user is set); write password: ${ALIGNED_ALERT_SMTP_PASSWORD} "
                    + "and set that environment variable (keep passwords out of the file)");
        }
        String from = nonBlank(r, "alerts.email.from", m);
        if (from != null) {
            address(r, "alerts.email.from", from);
        }
        List<String> to = new ArrayList<>();
        Object toNode = m.get("to");
        if (toNode == null) {
            r.error("alerts.email.to", "missing: the addresses alerts go to, e.g. to: [dmarc-owner@example.com]");
        } else {
            List<?> l = toNode instanceof List<?> list ? list : List.of(toNode);
            for (int i = 0; i < l.size(); i++) {
                String key = "alerts.email.to" + (toNode instanceof List ? "[" + i + "]" : "");
                String s = r.string(key, l.get(i));
                if (s != null && address(r, key, s)) {
                    to.add(s.trim());
                }
            }
            if (l.isEmpty()) {
                r.error("alerts.email.to", "empty: give at least one address");
            }
        }
        Duration timeout = timeout(r, "alerts.email.timeout", m.get("timeout"), Duration.ofSeconds(30));
        if (r.errors().size() > before) {
            return null;
        }
        return new Email(host, port, security, user, password, from.trim(), to, timeout);
    }

    /** {@link ConfigReader#required}, and not blank. */
    private static String nonBlank(ConfigReader r, String key, Map<String, Object> m) {
        String s = r.required(key, m);
        if (s != null && s.isBlank()) {
            r.error(key, "empty");
            return null;
        }
        return s;
    }

    private static boolean address(ConfigReader r, String key, String s) {
        try {
            jakarta.mail.internet.InternetAddress a = new jakarta.mail.internet.InternetAddress(s.trim(), true);
            if (a.getAddress().indexOf('@') > 0) {
                return true;
            }
        } catch (jakarta.mail.internet.AddressException e) {
            // reported below
        }
        r.error(key, "'" + s + "' is not an e-mail address (name@domain)");
        return false;
    }

    /** {@code 90} (seconds), {@code 500ms}, {@code 30s}, {@code 15m}, {@code 1h}. */
    private static Duration duration(ConfigReader r, String key, Object node, Duration dflt) {
        return r.duration(key, node, dflt, ChronoUnit.HOURS, "30s, 15m or 1h");
    }

    /** A sink's timeout, from 1s to 5m. */
    private static Duration timeout(ConfigReader r, String key, Object node, Duration dflt) {
        Duration d = duration(r, key, node, dflt);
        if (d.compareTo(Duration.ofSeconds(1)) < 0 || d.compareTo(Duration.ofMinutes(5)) > 0) {
            r.error(key, "must be between 1s and 5m, got " + text(d));
        }
        return d;
    }

    /** {@code 0.10} or {@code 10%}, in (0, 1]. */
    private static double fraction(ConfigReader r, String key, Object node, double dflt) {
        String s = r.string(key, node);
        if (s == null) {
            return dflt;
        }
        String t = s.trim();
        double v;
        try {
            v = t.endsWith("%") ? Double.parseDouble(t.substring(0, t.length() - 1).trim()) / 100
                    : Double.parseDouble(t);
        } catch (NumberFormatException e) {
            r.error(key, "expected a fraction such as 0.10 or 10%, got '" + s + "'");
            return dflt;
        }
        if (!(v > 0 && v <= 1)) {
            r.error(key, "must be above 0 and at most 1 (0.10 = ten percentage points), got '" + s + "'");
            return dflt;
        }
        return v;
    }

    /** {@code 15m}, {@code 30s}, {@code 1h}, {@code 500ms}. */
    static String text(Duration d) {
        if (d.toMillis() % 1000 != 0) {
            return d.toMillis() + "ms";
        }
        long s = d.toSeconds();
        if (s % 3600 == 0 && s > 0) {
            return s / 3600 + "h";
        }
        if (s % 60 == 0 && s > 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }
}
