package dev.aligned.server.reporting;

import dev.aligned.dns.DomainName;
import dev.aligned.server.config.ConfigReader;
import dev.aligned.server.ingest.ConfigError;
import dev.aligned.server.ingest.ConfigException;
import dev.aligned.server.ingest.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code reporting:} section of {@code aligned.yaml} (and its {@code database:} section): who this receiver
 * is in the reports it sends, how it sends them, and what it never sends. Secrets come from {@code ${NAME}}
 * environment references and print as {@code [redacted]}. See {@code docs/receiver.md}.
 *
 * <pre>{@code
 * ReportingConfig cfg = ReportingConfig.load(Path.of("aligned.yaml"), System.getenv());
 * System.out.println(cfg.smtp());   // password=[redacted]
 * }</pre>
 *
 * @param databaseUrl       the store's JDBC URL (or SQLite file), empty for the default
 * @param databasePassword  the PostgreSQL password, if any
 * @param orgName           {@code report_metadata/org_name}
 * @param email             {@code report_metadata/email}, and the {@code From:} of every report
 * @param extraContactInfo  {@code report_metadata/extra_contact_info}
 * @param submitter         the receiver's domain: {@code Submitter:} in subjects and the file name's receiver
 * @param reportIdPrefix    letters and digits put before each generated report id
 * @param smtp              the submission server; empty means reports can only be written ({@code dry_run})
 * @param retry             back-off for temporary failures
 * @param suppression       addresses and domains never mailed
 * @param keepDays          how many days of evaluations to keep after they were reported
 * @param aggregate         whether aggregate reports are sent
 * @param failure           failure report settings
 * @param dryRun            a folder to write reports to instead of mailing them
 */
public record ReportingConfig(Optional<String> databaseUrl, Optional<Secret> databasePassword, String orgName,
        String email, Optional<String> extraContactInfo, DomainName submitter, String reportIdPrefix,
        Optional<SmtpSettings> smtp, RetryPolicy retry, Suppression suppression, int keepDays, boolean aggregate,
        FailureSettings failure, Optional<Path> dryRun) {

    private static final int MAX_FILE_CHARS = 1 << 20;
    private static final Set<String> KEYS = Set.of("org_name", "email", "extra_contact_info", "submitter",
            "report_id_prefix", "smtp", "retry", "suppress", "keep_days", "aggregate", "failure", "dry_run");
    private static final Set<String> SMTP = Set.of("host", "port", "security", "user", "password", "timeout",
            "trust_hosts");
    private static final Set<String> RETRY = Set.of("attempts", "first_delay", "max_delay");
    private static final Set<String> FAILURE = Set.of("enabled", "max_per_hour", "headers", "redact_local_parts",
            "redaction_key");
    private static final Set<String> AGGREGATE = Set.of("enabled");

    public ReportingConfig {
        Objects.requireNonNull(databaseUrl, "databaseUrl");
        Objects.requireNonNull(databasePassword, "databasePassword");
        Objects.requireNonNull(orgName, "orgName");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(extraContactInfo, "extraContactInfo");
        Objects.requireNonNull(submitter, "submitter");
        Objects.requireNonNull(reportIdPrefix, "reportIdPrefix");
        Objects.requireNonNull(smtp, "smtp");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(suppression, "suppression");
        Objects.requireNonNull(failure, "failure");
        Objects.requireNonNull(dryRun, "dryRun");
    }

    /** A minimal configuration (tests, dry runs): no SMTP, default retry, aggregate reports only. */
    public static ReportingConfig of(String orgName, String email) {
        return new ReportingConfig(Optional.empty(), Optional.empty(), orgName, email, Optional.empty(),
                domainOf(email).orElseThrow(() -> new IllegalArgumentException("email needs a domain: " + email)),
                "", Optional.empty(), RetryPolicy.DEFAULT, Suppression.NONE, 7, true, FailureSettings.DISABLED,
                Optional.empty());
    }

    /** This configuration with another SMTP server. */
    public ReportingConfig withSmtp(SmtpSettings s) {
        return new ReportingConfig(databaseUrl, databasePassword, orgName, email, extraContactInfo, submitter,
                reportIdPrefix, Optional.of(s), retry, suppression, keepDays, aggregate, failure, dryRun);
    }

    /** This configuration with other failure report settings. */
    public ReportingConfig withFailure(FailureSettings f) {
        return new ReportingConfig(databaseUrl, databasePassword, orgName, email, extraContactInfo, submitter,
                reportIdPrefix, smtp, retry, suppression, keepDays, aggregate, f, dryRun);
    }

    /** This configuration with another suppression list and retry policy. */
    public ReportingConfig with(Suppression s, RetryPolicy r) {
        return new ReportingConfig(databaseUrl, databasePassword, orgName, email, extraContactInfo, submitter,
                reportIdPrefix, smtp, r, s, keepDays, aggregate, failure, dryRun);
    }

    /** This configuration writing to {@code dir} instead of mailing. */
    public ReportingConfig withDryRun(Path dir) {
        return new ReportingConfig(databaseUrl, databasePassword, orgName, email, extraContactInfo, submitter,
                reportIdPrefix, smtp, retry, suppression, keepDays, aggregate, failure, Optional.of(dir));
    }

    /**
     * Reads {@code file}; {@code ${NAME}} references are looked up in {@code env}.
     *
     * @throws ConfigException listing every problem, each with its key ({@code reporting.smtp.port: ...})
     * @throws IOException when the file cannot be read
     */
    public static ReportingConfig load(Path file, Map<String, String> env) throws IOException, ConfigException {
        if (Files.size(file) > MAX_FILE_CHARS * 4L) {
            throw new ConfigException(file, List.of(new ConfigError("(file)", "too large for a configuration file")));
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Path base = file.toAbsolutePath().getParent();
        return parse(file, text, env, base);
    }

    /**
     * Like {@link #load}, but empty when the file has no {@code reporting:} section (a file for ingestion only).
     *
     * @throws ConfigException listing every problem of a section that is there
     */
    public static Optional<ReportingConfig> loadIfPresent(Path file, Map<String, String> env)
            throws IOException, ConfigException {
        try {
            return Optional.of(load(file, env));
        } catch (ConfigException e) {
            if (e.errors().size() == 1 && e.errors().get(0).key().equals("reporting")
                    && e.errors().get(0).message().startsWith("missing")) {
                return Optional.empty();
            }
            throw e;
        }
    }

    static ReportingConfig parse(Path file, String text, Map<String, String> env, Path base) throws ConfigException {
        Object root = ConfigReader.load(file, text, MAX_FILE_CHARS);
        ConfigReader r = new ConfigReader(env);
        Map<String, Object> top = r.map("(top)", root);
        Map<String, Object> db = r.map("database", top.get("database"));
        Optional<String> url = Optional.ofNullable(r.string("database.url", db.get("url")));
        Optional<Secret> dbPassword = Optional.ofNullable(r.string("database.password", db.get("password")))
                .map(Secret::of);
        if (!top.containsKey("reporting")) {
            r.error("reporting", "missing: add a 'reporting:' section with at least org_name and email "
                    + "(see docs/receiver.md)");
            throw new ConfigException(file, r.errors());
        }
        Map<String, Object> m = r.map("reporting", top.get("reporting"));
        r.unknown("reporting.", m, KEYS);
        String orgName = r.string("reporting.org_name", m.get("org_name"));
        if (orgName == null || orgName.isBlank()) {
            r.error("reporting.org_name", "missing: the name of your organisation, as domain owners will see it");
        }
        String email = r.string("reporting.email", m.get("email"));
        Optional<DomainName> emailDomain = email == null ? Optional.empty() : domainOf(email);
        if (email == null || emailDomain.isEmpty()) {
            r.error("reporting.email", email == null ? "missing: the address reports come from (and replies go to), "
                    + "e.g. dmarc-reports@your-domain" : "'" + email + "' is not an address (name@domain)");
        }
        Optional<String> extra = Optional.ofNullable(r.string("reporting.extra_contact_info",
                m.get("extra_contact_info")));
        DomainName submitter = emailDomain.orElse(DomainName.ROOT);
        String sub = r.string("reporting.submitter", m.get("submitter"));
        if (sub != null) {
            Optional<DomainName> d = DomainName.parse(sub).filter(DomainName::isHostname);
            if (d.isEmpty()) {
                r.error("reporting.submitter", "'" + sub + "' is not a domain name");
            } else {
                submitter = d.get();
            }
        }
        String prefix = r.stringOr("reporting.report_id_prefix", m.get("report_id_prefix"), "");
        if (!prefix.matches("[A-Za-z0-9]{0,32}")) {
            r.error("reporting.report_id_prefix", "only letters and digits (at most 32), as the RFC 9990 file name "
                    + "needs; got '" + prefix + "'");
            prefix = "";
        }
        Optional<SmtpSettings> smtp = Optional.empty();
        if (m.get("smtp") != null) {
            smtp = Optional.ofNullable(smtp(r, r.map("reporting.smtp", m.get("smtp"))));
        }
        Map<String, Object> rm = r.map("reporting.retry", m.get("retry"));
        r.unknown("reporting.retry.", rm, RETRY);
        int attempts = (int) r.number("reporting.retry.attempts", rm.get("attempts"), RetryPolicy.DEFAULT.attempts(),
                1, 100);
        Duration first = r.duration("reporting.retry.first_delay", rm.get("first_delay"),
                RetryPolicy.DEFAULT.firstDelay(), ChronoUnit.DAYS,
                "30s, 5m or 1h");
        Duration max = r.duration("reporting.retry.max_delay", rm.get("max_delay"), RetryPolicy.DEFAULT.maxDelay(),
                ChronoUnit.DAYS, "30s, 5m or 1h");
        RetryPolicy retry = RetryPolicy.DEFAULT;
        if (max.compareTo(first) < 0) {
            r.error("reporting.retry.max_delay", "must not be shorter than first_delay (" + first + "), got " + max);
        } else {
            retry = new RetryPolicy(attempts, first, max);
        }
        List<String> suppress = r.strings("reporting.suppress", m.get("suppress"));
        for (int i = 0; i < suppress.size(); i++) {
            String s = suppress.get(i).strip();
            String domain = s.substring(s.lastIndexOf('@') + 1);
            if (DomainName.parse(domain).filter(d -> !d.isRoot()).isEmpty()) {
                r.error("reporting.suppress[" + i + "]", "'" + s + "' is neither an address nor a domain");
            }
        }
        int keepDays = (int) r.number("reporting.keep_days", m.get("keep_days"), 7, 1, 3650);
        Map<String, Object> am = r.map("reporting.aggregate", m.get("aggregate"));
        r.unknown("reporting.aggregate.", am, AGGREGATE);
        boolean aggregate = r.bool("reporting.aggregate.enabled", am.get("enabled"), true);
        Map<String, Object> fm = r.map("reporting.failure", m.get("failure"));
        r.unknown("reporting.failure.", fm, FAILURE);
        FailureSettings failure = new FailureSettings(
                r.bool("reporting.failure.enabled", fm.get("enabled"), false),
                (int) r.number("reporting.failure.max_per_hour", fm.get("max_per_hour"), 10, 0, 100_000),
                r.enumValue("reporting.failure.headers", fm.get("headers"), FailureSettings.HeaderScope.class,
                        FailureSettings.HeaderScope.ALL),
                r.bool("reporting.failure.redact_local_parts", fm.get("redact_local_parts"), true),
                Optional.ofNullable(r.string("reporting.failure.redaction_key", fm.get("redaction_key")))
                        .map(Secret::of));
        Optional<Path> dryRun = Optional.ofNullable(r.string("reporting.dry_run", m.get("dry_run")))
                .map(p -> base != null && !Path.of(p).isAbsolute() ? base.resolve(p).normalize() : Path.of(p));
        if (!r.errors().isEmpty()) {
            throw new ConfigException(file, r.errors());
        }
        return new ReportingConfig(url, dbPassword, orgName.strip(), email.strip(), extra, submitter, prefix, smtp,
                retry, Suppression.of(suppress), keepDays, aggregate, failure, dryRun);
    }

    private static SmtpSettings smtp(ConfigReader r, Map<String, Object> m) {
        r.unknown("reporting.smtp.", m, SMTP);
        int before = r.errors().size();
        String host = r.string("reporting.smtp.host", m.get("host"));
        if (host == null || host.isBlank()) {
            r.error("reporting.smtp.host", "missing: your submission server, e.g. smtp.your-domain");
        }
        SmtpSecurity security = r.enumValue("reporting.smtp.security", m.get("security"), SmtpSecurity.class,
                SmtpSecurity.STARTTLS);
        int port = (int) r.number("reporting.smtp.port", m.get("port"), security.defaultPort(), 1, 65535);
        Optional<String> user = Optional.ofNullable(r.string("reporting.smtp.user", m.get("user")));
        Optional<Secret> password = Optional.ofNullable(r.string("reporting.smtp.password", m.get("password")))
                .map(Secret::of);
        if (user.isPresent() && password.isEmpty() && !m.containsKey("password")) {
            r.error("reporting.smtp.password", "missing for user " + user.get() + "; write password: "
                    + "${ALIGNED_SMTP_PASSWORD} and set that environment variable (keep passwords out of the file)");
        }
        Duration timeout = r.duration("reporting.smtp.timeout", m.get("timeout"), Duration.ofSeconds(30),
                ChronoUnit.DAYS, "30s, 5m or 1h");
        List<String> trust = r.strings("reporting.smtp.trust_hosts", m.get("trust_hosts"));
        if (r.errors().size() > before) {
            return null;
        }
        return new SmtpSettings(host.strip(), port, security, user, password, timeout, trust);
    }

    static Optional<DomainName> domainOf(String address) {
        String a = address.strip();
        int at = a.lastIndexOf('@');
        if (at <= 0) {
            return Optional.empty();
        }
        return DomainName.parse(a.substring(at + 1)).filter(d -> !d.isRoot() && d.isHostname());
    }
}
