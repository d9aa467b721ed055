package dev.aligned.server.ingest;

import dev.aligned.server.config.ConfigReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The ingestion configuration, read from a YAML file ({@code aligned.yaml}; see {@code docs/configuration.md}).
 * Secrets come from environment variables: any string value may contain {@code ${NAME}} references, replaced by
 * the variable's value. Every problem is reported at once, each naming its key ({@code imap[0].port: ...}).
 *
 * <pre>{@code
 * IngestConfig cfg = IngestConfig.load(Path.of("aligned.yaml"), System.getenv());
 * for (ImapMailbox box : cfg.mailboxes()) System.out.println(box);   // password=[redacted]
 * }</pre>
 *
 * @param databaseUrl the report store's JDBC URL (or SQLite file), empty for the default
 * @param databasePassword the PostgreSQL password, if any
 * @param smtp the SMTP receiver, if configured
 * @param http the HTTP upload endpoint, if configured
 */
public record IngestConfig(Optional<String> databaseUrl, Optional<Secret> databasePassword,
        List<ImapMailbox> mailboxes, List<WatchedDirectory> directories, Optional<ReceiverSettings> smtp,
        Optional<ReceiverSettings> http) {

    private static final int MAX_FILE_CHARS = 1 << 20;
    private static final Set<String> TOP = Set.of("database", "imap", "directories", "smtp", "http", "milter",
            "reporting", "alerts");
    private static final Set<String> SMTP = Set.of("listen", "max_message_bytes", "tls_certificate", "tls_key",
            "require_tls");
    private static final Set<String> HTTP = Set.of("listen", "max_upload_bytes", "token");
    private static final Set<String> DATABASE = Set.of("url", "password");
    private static final Set<String> IMAP = Set.of("name", "host", "port", "security", "user", "password", "folder",
            "processed_folder", "error_folder", "after_ingest", "poll_interval", "idle", "trust_hosts", "timeout",
            "max_message_bytes", "max_messages_per_poll");
    private static final Set<String> DIRECTORY = Set.of("path", "poll_interval", "processed_folder", "error_folder");

    public IngestConfig {
        Objects.requireNonNull(databaseUrl, "databaseUrl");
        Objects.requireNonNull(databasePassword, "databasePassword");
        mailboxes = List.copyOf(mailboxes);
        directories = List.copyOf(directories);
        Objects.requireNonNull(smtp, "smtp");
        Objects.requireNonNull(http, "http");
    }

    /**
     * Reads and validates {@code file}; {@code ${NAME}} references are looked up in {@code env}. Relative
     * directory paths are resolved against the file's directory.
     *
     * @throws ConfigException listing every problem, each with its key
     * @throws IOException when the file cannot be read
     */
    public static IngestConfig load(Path file, Map<String, String> env) throws IOException, ConfigException {
        String text;
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            char[] buf = new char[MAX_FILE_CHARS + 1];
            int n = 0;
            int k;
            while (n < buf.length && (k = r.read(buf, n, buf.length - n)) > 0) {
                n += k;
            }
            if (n > MAX_FILE_CHARS) {
                throw new ConfigException(file, List.of(new ConfigError("(file)",
                        "larger than " + MAX_FILE_CHARS + " characters; this is not a configuration file")));
            }
            text = new String(buf, 0, n);
        }
        Path base = file.toAbsolutePath().getParent();
        return parse(file, text, env, base);
    }

    static IngestConfig parse(Path file, String text, Map<String, String> env, Path base) throws ConfigException {
        Object root;
        try {
            root = ConfigReader.yaml(MAX_FILE_CHARS).load(text);
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String where = m == null ? "" : "line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1) + ": ";
            throw new ConfigException(file, List.of(new ConfigError("(yaml)", where + firstLine(e.getProblem())
                    + (e.getContext() != null ? " (" + firstLine(e.getContext()) + ")" : ""))));
        } catch (YAMLException e) {
            throw new ConfigException(file, List.of(new ConfigError("(yaml)", firstLine(e.getMessage()))));
        }
        Parser p = new Parser(env);
        IngestConfig cfg = p.config(root, base);
        if (!p.errors.isEmpty()) {
            throw new ConfigException(file, p.errors);
        }
        return cfg;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "invalid YAML";
        }
        int nl = s.indexOf('\n');
        return nl >= 0 ? s.substring(0, nl) : s;
    }

    /** Walks the YAML tree, collecting errors instead of stopping at the first. */
    private static final class Parser {
        final ConfigReader r;
        final List<ConfigError> errors;

        Parser(Map<String, String> env) {
            this.r = new ConfigReader(env);
            this.errors = r.errors();
        }

        /** {@code 90} (seconds), {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}. */
        Duration duration(String key, Object node, Duration dflt) {
            return r.duration(key, node, dflt, ChronoUnit.HOURS, "30s, 5m or 1h");
        }

        IngestConfig config(Object root, Path base) {
            Map<String, Object> top = r.mapOrNull("(top)", root == null ? Map.of() : root);
            if (top == null) {
                return null;
            }
            r.unknown("", top, TOP);
            Optional<String> url = Optional.empty();
            Optional<Secret> dbPassword = Optional.empty();
            if (top.get("database") != null) {
                Map<String, Object> db = r.mapOrNull("database", top.get("database"));
                if (db != null) {
                    r.unknown("database.", db, DATABASE);
                    url = Optional.ofNullable(r.string("database.url", db.get("url")));
                    dbPassword = Optional.ofNullable(r.string("database.password", db.get("password"))).map(Secret::of);
                }
            }
            List<ImapMailbox> boxes = new ArrayList<>();
            List<Object> imap = r.list("imap", top.get("imap"));
            for (int i = 0; i < imap.size(); i++) {
                ImapMailbox b = mailbox("imap[" + i + "].", imap.get(i));
                if (b != null) {
                    boxes.add(b);
                }
            }
            List<WatchedDirectory> dirs = new ArrayList<>();
            List<Object> ds = r.list("directories", top.get("directories"));
            for (int i = 0; i < ds.size(); i++) {
                WatchedDirectory d = directory("directories[" + i + "].", ds.get(i), base);
                if (d != null) {
                    dirs.add(d);
                }
            }
            Optional<ReceiverSettings> smtp = Optional.ofNullable(receiver("smtp", top.get("smtp"), SMTP,
                    "max_message_bytes", 2525)).map(s -> smtpTls(s, top.get("smtp"), base));
            Optional<ReceiverSettings> http = Optional.ofNullable(receiver("http", top.get("http"), HTTP,
                    "max_upload_bytes", 8025));
            if (imap.isEmpty() && ds.isEmpty() && !top.containsKey("smtp") && !top.containsKey("http")
                    && !top.containsKey("reporting") && errors.isEmpty()) {
                r.error("imap", "no source configured: add an 'imap' mailbox, a 'directories' entry, 'smtp' or 'http'");
            }
            List<String> names = new ArrayList<>();
            for (int i = 0; i < boxes.size(); i++) {
                if (names.contains(boxes.get(i).name())) {
                    r.error("imap[" + i + "].name", "'" + boxes.get(i).name() + "' is used by another mailbox; "
                            + "give each mailbox its own name");
                }
                names.add(boxes.get(i).name());
            }
            return new IngestConfig(url, dbPassword, boxes, dirs, smtp, http);
        }

        /** {@code listen: HOST:PORT} (or a bare port: loopback), a size limit, and for HTTP a token. */
        ReceiverSettings receiver(String key, Object node, Set<String> known, String sizeKey, int defaultPort) {
            if (node == null) {
                return null;
            }
            Map<String, Object> m = r.mapOrNull(key, node);
            if (m == null) {
                return null;
            }
            r.unknown(key + ".", m, known);
            int before = errors.size();
            String listen = r.stringOr(key + ".listen", m.get("listen"), "127.0.0.1:" + defaultPort);
            String host = "127.0.0.1";
            String portText = listen;
            int colon = listen.lastIndexOf(':');
            if (colon >= 0) {
                host = listen.substring(0, colon).replace("[", "").replace("]", "");
                portText = listen.substring(colon + 1);
            }
            int port = -1;
            try {
                port = Integer.parseInt(portText.trim());
            } catch (NumberFormatException e) {
                // reported below
            }
            if (port < 0 || port > 65535 || host.isBlank()) {
                r.error(key + ".listen", "expected HOST:PORT (e.g. 127.0.0.1:" + defaultPort + ") or a port, got '"
                        + listen + "'");
            }
            long max = r.size(key + "." + sizeKey, m.get(sizeKey), 64L << 20);
            if (max < 1024 || max > Integer.MAX_VALUE - 16) {
                r.error(key + "." + sizeKey, "must be between 1KiB and 2GiB, got " + max);
            }
            Optional<Secret> token = Optional.ofNullable(r.string(key + ".token", m.get("token"))).map(Secret::of);
            boolean loopback = host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
            if (key.equals("http") && token.isEmpty() && !loopback && !m.containsKey("token")) {
                r.error("http.token", "required when listening on " + host + " (not loopback): write token: "
                        + "${ALIGNED_UPLOAD_TOKEN} and set that variable");
            }
            if (errors.size() > before) {
                return null;
            }
            return new ReceiverSettings(host, port, max, token);
        }

        /** {@code tls_certificate}, {@code tls_key} (PEM files, relative to the file) and {@code require_tls}. */
        ReceiverSettings smtpTls(ReceiverSettings s, Object node, Path base) {
            Map<String, Object> m = r.mapOrNull("smtp", node);
            String cert = r.string("smtp.tls_certificate", m.get("tls_certificate"));
            String key = r.string("smtp.tls_key", m.get("tls_key"));
            boolean require = r.bool("smtp.require_tls", m.get("require_tls"), false);
            if (cert == null && key == null) {
                if (require) {
                    r.error("smtp.require_tls", "needs tls_certificate and tls_key (PEM files) to offer STARTTLS");
                }
                return s;
            }
            if (cert == null || key == null) {
                r.error(cert == null ? "smtp.tls_certificate" : "smtp.tls_key", "missing: STARTTLS needs both "
                        + "tls_certificate (the PEM chain, e.g. fullchain.pem) and tls_key (its PKCS#8 key, privkey.pem)");
                return s;
            }
            try {
                javax.net.ssl.SSLContext tls = TlsIdentity.load(resolve(base, cert), resolve(base, key));
                return new ReceiverSettings(s.host(), s.port(), s.maxBytes(), s.token(), Optional.of(tls), require);
            } catch (TlsIdentity.Invalid e) {
                r.error("smtp.tls_certificate", e.getMessage());
                return s;
            }
        }

        private static Path resolve(Path base, String file) {
            Path p = Path.of(file);
            return base != null && !p.isAbsolute() ? base.resolve(p).normalize() : p;
        }

        ImapMailbox mailbox(String pre, Object node) {
            Map<String, Object> m = r.mapOrNull(pre.substring(0, pre.length() - 1), node);
            if (m == null) {
                return null;
            }
            r.unknown(pre, m, IMAP);
            int before = errors.size();
            String host = r.required(pre + "host", m);
            String user = r.required(pre + "user", m);
            String password = r.string(pre + "password", m.get("password"));
            if (password == null && !m.containsKey("password")) {
                r.error(pre + "password", "missing; write password: ${ALIGNED_IMAP_PASSWORD} and set that "
                        + "environment variable (keep passwords out of the file)");
            }
            ImapSecurity security = r.enumValue(pre + "security", m.get("security"), ImapSecurity.class, ImapSecurity.TLS);
            AfterIngest after = r.enumValue(pre + "after_ingest", m.get("after_ingest"), AfterIngest.class,
                    AfterIngest.MOVE);
            int port = (int) r.number(pre + "port", m.get("port"), ImapMailbox.defaultPort(security));
            String name = r.stringOr(pre + "name", m.get("name"), user + "@" + host);
            String folder = r.stringOr(pre + "folder", m.get("folder"), "INBOX");
            String processed = r.stringOr(pre + "processed_folder", m.get("processed_folder"), "Aligned/Processed");
            String error = r.stringOr(pre + "error_folder", m.get("error_folder"), "Aligned/Error");
            Duration poll = duration(pre + "poll_interval", m.get("poll_interval"), Duration.ofMinutes(1));
            Duration timeout = duration(pre + "timeout", m.get("timeout"), Duration.ofSeconds(30));
            boolean idle = r.bool(pre + "idle", m.get("idle"), true);
            long maxBytes = r.size(pre + "max_message_bytes", m.get("max_message_bytes"), 64L << 20);
            long maxPerPoll = r.number(pre + "max_messages_per_poll", m.get("max_messages_per_poll"), 500);
            List<String> trust = new ArrayList<>();
            for (Object o : r.list(pre + "trust_hosts", m.get("trust_hosts"))) {
                String s = r.string(pre + "trust_hosts", o);
                if (s != null) {
                    trust.add(s);
                }
            }
            // range and consistency checks too, except on keys already reported above
            Set<String> reported = new java.util.HashSet<>();
            for (ConfigError e : errors.subList(before, errors.size())) {
                reported.add(e.key());
            }
            List<String> problems = ImapMailbox.problems(name, host, port, security, user, folder, processed, error,
                    poll, timeout, maxBytes, (int) Math.min(Integer.MAX_VALUE, maxPerPoll));
            for (String problem : problems) {
                int colon = problem.indexOf(": ");
                String key = pre + problem.substring(0, colon);
                if (!reported.contains(key)) {
                    r.error(key, problem.substring(colon + 2));
                }
            }
            if (errors.size() > before) {
                return null;
            }
            return new ImapMailbox(name, host, port, security, user, Secret.of(password == null ? "" : password),
                    folder, processed, error, after, poll, idle, trust, timeout, maxBytes, (int) maxPerPoll);
        }

        WatchedDirectory directory(String pre, Object node, Path base) {
            Object n = node instanceof String ? Map.of("path", node) : node;
            Map<String, Object> m = r.mapOrNull(pre.substring(0, pre.length() - 1), n);
            if (m == null) {
                return null;
            }
            r.unknown(pre, m, DIRECTORY);
            String path = r.required(pre + "path", m);
            Duration poll = duration(pre + "poll_interval", m.get("poll_interval"), Duration.ofMinutes(1));
            if (path == null || poll == null) {
                return null;
            }
            if (poll.compareTo(Duration.ofSeconds(1)) < 0) {
                r.error(pre + "poll_interval", "must be at least 1s, got " + poll);
                return null;
            }
            Path p = Path.of(path);
            Path dir = base != null && !p.isAbsolute() ? base.resolve(p).normalize() : p;
            Object processed = m.get("processed_folder");
            Object error = m.get("error_folder");
            if (processed == null && error == null) {
                return new WatchedDirectory(dir, poll);
            }
            if (processed == null || error == null) {
                r.error(pre + (processed == null ? "processed_folder" : "error_folder"),
                        "required when " + (processed == null ? "error_folder" : "processed_folder")
                                + " is set (files are moved to one or the other after the store has committed them)");
                return null;
            }
            Path done = dir.resolve(String.valueOf(processed)).normalize();
            Path failed = dir.resolve(String.valueOf(error)).normalize();
            if (done.equals(dir) || failed.equals(dir)) {
                r.error(pre + (done.equals(dir) ? "processed_folder" : "error_folder"),
                        "must not be the watched directory itself");
                return null;
            }
            return WatchedDirectory.moving(dir, poll, done, failed);
        }
    }
}
