package dev.aligned.server.milter;

import dev.aligned.server.config.ConfigReader;
import dev.aligned.server.ingest.ConfigError;
import dev.aligned.server.ingest.ConfigException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The milter's settings: the {@code milter:} section of the configuration file (the same file as the ingest
 * settings; {@code docs/milter.md}), with defaults for every key. {@code ${NAME}} references are replaced from
 * the environment. Command-line flags override single values with the {@code with...} methods.
 *
 * <pre>{@code
 * MilterConfig cfg = MilterConfig.load(Path.of("aligned.yaml"), System.getenv()).withMode(MilterConfig.Mode.REJECT);
 * }</pre>
 *
 * @param host             the address to listen on (loopback by default)
 * @param port             the TCP port (8891 by default)
 * @param authservId       the authserv-id written into Authentication-Results (default: this host's name)
 * @param mode             what to do with a message that fails DMARC
 * @param quarantineStyle  how to quarantine: the milter quarantine action (Postfix: hold queue) or a header
 * @param trustedNetworks  clients whose mail is neither evaluated nor stripped of Authentication-Results
 * @param timeout          the longest one message's evaluation may take
 * @param failMode         what to do when the evaluation does not finish in time or cannot run
 * @param maxMessageBytes  messages larger than this are passed unevaluated
 * @param spillBytes       bodies larger than this go to a temporary file instead of memory
 * @param maxConnections   the most concurrent MTA connections
 */
public record MilterConfig(String host, int port, String authservId, Mode mode, QuarantineStyle quarantineStyle,
        List<String> trustedNetworks, Duration timeout, FailMode failMode, long maxMessageBytes, int spillBytes,
        int maxConnections) {

    /** What the milter does with a message that fails DMARC. */
    public enum Mode {
        /** Never act: add Authentication-Results and record the evaluation. */
        MONITOR,
        /** Quarantine when the policy says quarantine or reject. */
        QUARANTINE,
        /** Apply the policy: reject for {@code p=reject}, quarantine for {@code p=quarantine}. */
        REJECT
    }

    /** How a message is quarantined. */
    public enum QuarantineStyle {
        /** The milter quarantine action (Postfix puts the message in its hold queue). */
        MILTER,
        /** Deliver with an {@code X-Aligned-Quarantine} header for the delivery agent to file as spam. */
        HEADER
    }

    /** What happens when the evaluation does not finish in time. */
    public enum FailMode {
        /** Deliver; Authentication-Results says {@code dmarc=temperror}. */
        ACCEPT,
        /** Answer {@code 451 4.7.0}: the client tries again later. */
        TEMPFAIL
    }

    private static final Set<String> KEYS = Set.of("listen", "authserv_id", "mode", "quarantine_style",
            "trusted_networks", "timeout", "fail_mode", "max_message_bytes", "spill_bytes", "max_connections");
    private static final int MAX_FILE_BYTES = 1 << 20;

    public MilterConfig {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        Objects.requireNonNull(authservId, "authservId");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(quarantineStyle, "quarantineStyle");
        trustedNetworks = List.copyOf(trustedNetworks);
        for (String n : trustedNetworks) {
            if (Cidr.parse(n).isEmpty()) {
                throw new IllegalArgumentException("trusted network '" + n + "' is not an address or CIDR block");
            }
        }
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        Objects.requireNonNull(failMode, "failMode");
        if (maxMessageBytes < 1024) {
            throw new IllegalArgumentException("maxMessageBytes must be at least 1024, got " + maxMessageBytes);
        }
        if (spillBytes < 1024) {
            throw new IllegalArgumentException("spillBytes must be at least 1024, got " + spillBytes);
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be positive, got " + maxConnections);
        }
    }

    /** The defaults: 127.0.0.1:8891, this host's name, monitor, milter quarantine, loopback trusted, 5 s, accept. */
    public static MilterConfig defaults() {
        return new MilterConfig("127.0.0.1", 8891, localHostName(), Mode.MONITOR, QuarantineStyle.MILTER,
                List.of("127.0.0.0/8", "::1/128"), Duration.ofSeconds(5), FailMode.ACCEPT, 64L << 20, 1 << 20, 256);
    }

    static String localHostName() {
        try {
            String n = InetAddress.getLocalHost().getCanonicalHostName();
            if (!n.isBlank() && n.chars().noneMatch(c -> c <= ' ' || c >= 0x7f || c == ';')) {
                return n;
            }
        } catch (IOException e) {
            // fall through
        }
        return "localhost";
    }

    /** The trusted networks as parsed blocks. */
    List<Cidr> trustedBlocks() {
        return trustedNetworks.stream().map(n -> Cidr.parse(n).orElseThrow()).toList();
    }

    public MilterConfig withListen(String listen) {
        ListenAddress a = ListenAddress.parse(listen);
        if (a.error() != null) {
            throw new IllegalArgumentException(a.error());
        }
        return new MilterConfig(a.host(), a.port(), authservId, mode, quarantineStyle, trustedNetworks, timeout,
                failMode, maxMessageBytes, spillBytes, maxConnections);
    }

    public MilterConfig withAuthservId(String id) {
        return new MilterConfig(host, port, id, mode, quarantineStyle, trustedNetworks, timeout, failMode,
                maxMessageBytes, spillBytes, maxConnections);
    }

    public MilterConfig withMode(Mode m) {
        return new MilterConfig(host, port, authservId, m, quarantineStyle, trustedNetworks, timeout, failMode,
                maxMessageBytes, spillBytes, maxConnections);
    }

    public MilterConfig withQuarantineStyle(QuarantineStyle s) {
        return new MilterConfig(host, port, authservId, mode, s, trustedNetworks, timeout, failMode,
                maxMessageBytes, spillBytes, maxConnections);
    }

    public MilterConfig withTrustedNetworks(List<String> nets) {
        return new MilterConfig(host, port, authservId, mode, quarantineStyle, nets, timeout, failMode,
                maxMessageBytes, spillBytes, maxConnections);
    }

    public MilterConfig withTimeout(Duration t) {
        return new MilterConfig(host, port, authservId, mode, quarantineStyle, trustedNetworks, t, failMode,
                maxMessageBytes, spillBytes, maxConnections);
    }

    public MilterConfig withFailMode(FailMode f) {
        return new MilterConfig(host, port, authservId, mode, quarantineStyle, trustedNetworks, timeout, f,
                maxMessageBytes, spillBytes, maxConnections);
    }

    public MilterConfig withLimits(long maxMessage, int spill) {
        return new MilterConfig(host, port, authservId, mode, quarantineStyle, trustedNetworks, timeout, failMode,
                maxMessage, spill, maxConnections);
    }

    /** {@code inet:HOST:PORT}, {@code HOST:PORT}, {@code [v6]:PORT} or a bare port (loopback). */
    record ListenAddress(String host, int port, String error) {
        static ListenAddress parse(String text) {
            String t = text.strip();
            if (t.startsWith("inet:") || t.startsWith("inet6:")) {
                t = t.substring(t.indexOf(':') + 1);
            } else if (t.matches("[a-z]+:.*") && !t.matches("[0-9a-fA-F:]+")) {
                return new ListenAddress("", 0, "listen: only inet:HOST:PORT is supported, got '" + text + "'");
            }
            String host = "127.0.0.1";
            String port = t;
            int colon = t.lastIndexOf(':');
            if (colon >= 0) {
                host = t.substring(0, colon).replace("[", "").replace("]", "");
                port = t.substring(colon + 1);
            }
            if (!port.matches("\\d{1,5}") || Integer.parseInt(port) > 65535 || host.isBlank()) {
                return new ListenAddress("", 0, "listen: expected inet:HOST:PORT (e.g. inet:127.0.0.1:8891), got '"
                        + text + "'");
            }
            return new ListenAddress(host, Integer.parseInt(port), null);
        }
    }

    /**
     * Reads the {@code milter:} section of {@code file} (other sections are ignored here); a file without one
     * gives the defaults.
     *
     * @throws ConfigException listing every problem, each with its key ({@code milter.mode: ...})
     */
    public static MilterConfig load(Path file, Map<String, String> env) throws IOException, ConfigException {
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length > MAX_FILE_BYTES) {
            throw new ConfigException(file, List.of(new ConfigError("(file)", "larger than " + MAX_FILE_BYTES
                    + " bytes; this is not a configuration file")));
        }
        return parse(file, new String(bytes, StandardCharsets.UTF_8), env);
    }

    static MilterConfig parse(Path file, String text, Map<String, String> env) throws ConfigException {
        Object root;
        try {
            root = ConfigReader.yaml(MAX_FILE_BYTES).load(text);
        } catch (YAMLException e) {
            String m = e.getMessage() == null ? "invalid YAML" : e.getMessage().lines().findFirst().orElse("invalid YAML");
            throw new ConfigException(file, List.of(new ConfigError("(yaml)", m)));
        }
        Reader reader = new Reader(new ConfigReader(env));
        MilterConfig cfg = reader.read(root);
        if (!reader.errors().isEmpty()) {
            throw new ConfigException(file, reader.errors());
        }
        return cfg;
    }

    private record Reader(ConfigReader r, List<ConfigError> errors) {
        Reader(ConfigReader r) {
            this(r, r.errors());
        }

        MilterConfig read(Object root) {
            MilterConfig d = defaults();
            if (!(root instanceof Map<?, ?> top) || top.get("milter") == null) {
                return d;
            }
            if (!(top.get("milter") instanceof Map<?, ?> raw)) {
                errors.add(new ConfigError("milter", "expected a mapping (key: value lines)"));
                return d;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            raw.forEach((k, v) -> m.put(String.valueOf(k), v));
            r.unknown("milter.", m, KEYS);
            String host = d.host();
            int port = d.port();
            String listen = string("listen", m.get("listen"));
            if (listen != null) {
                ListenAddress a = ListenAddress.parse(listen);
                if (a.error() != null) {
                    errors.add(new ConfigError("milter.listen", a.error().substring("listen: ".length())));
                } else {
                    host = a.host();
                    port = a.port();
                }
            }
            String id = string("authserv_id", m.get("authserv_id"));
            if (id != null && (id.isBlank() || id.chars().anyMatch(c -> c <= ' ' || c >= 0x7f || c == ';'))) {
                errors.add(new ConfigError("milter.authserv_id", "must be a host name without spaces or ';', got '"
                        + id + "'"));
                id = null;
            }
            Mode mode = enumValue("mode", m.get("mode"), Mode.class, d.mode());
            QuarantineStyle qs = enumValue("quarantine_style", m.get("quarantine_style"), QuarantineStyle.class,
                    d.quarantineStyle());
            FailMode fm = enumValue("fail_mode", m.get("fail_mode"), FailMode.class, d.failMode());
            List<String> trusted = d.trustedNetworks();
            if (m.containsKey("trusted_networks")) {
                trusted = new ArrayList<>();
                Object t = m.get("trusted_networks");
                List<?> items = t == null ? List.of() : t instanceof List<?> l ? l : List.of(t);
                for (int i = 0; i < items.size(); i++) {
                    String n = string("trusted_networks[" + i + "]", items.get(i));
                    if (n != null && Cidr.parse(n).isEmpty()) {
                        errors.add(new ConfigError("milter.trusted_networks[" + i + "]", "'" + n + "' is not an IP "
                                + "address or CIDR block such as 192.0.2.0/24 or 2001:db8::/32"));
                    } else if (n != null) {
                        trusted.add(n.strip());
                    }
                }
            }
            Duration timeout = duration("timeout", m.get("timeout"), d.timeout());
            if (timeout.isZero() || timeout.compareTo(Duration.ofMinutes(5)) > 0) {
                errors.add(new ConfigError("milter.timeout", "must be between 1ms and 5m (and below Postfix's "
                        + "milter_content_timeout), got " + timeout));
                timeout = d.timeout();
            }
            long max = size("max_message_bytes", m.get("max_message_bytes"), d.maxMessageBytes());
            long spill = size("spill_bytes", m.get("spill_bytes"), d.spillBytes());
            if (max < 1024 || max > (1L << 40)) {
                errors.add(new ConfigError("milter.max_message_bytes", "must be between 1KiB and 1TiB, got " + max));
                max = d.maxMessageBytes();
            }
            if (spill < 1024 || spill > (256 << 20)) {
                errors.add(new ConfigError("milter.spill_bytes", "must be between 1KiB and 256MiB, got " + spill));
                spill = d.spillBytes();
            }
            long conns = size("max_connections", m.get("max_connections"), d.maxConnections());
            if (conns < 1 || conns > 100_000) {
                errors.add(new ConfigError("milter.max_connections", "must be between 1 and 100000, got " + conns));
                conns = d.maxConnections();
            }
            return new MilterConfig(host, port, id == null ? d.authservId() : id, mode, qs, trusted, timeout, fm, max,
                    (int) spill, (int) conns);
        }

        /** A scalar (or null after reporting a mapping or list as not one), for the shared reader to convert. */
        Object scalar(String key, Object node) {
            if (node instanceof Map || node instanceof List) {
                errors.add(new ConfigError("milter." + key, "expected a single value"));
                return null;
            }
            return node;
        }

        String string(String key, Object node) {
            return r.string("milter." + key, scalar(key, node));
        }

        <E extends Enum<E>> E enumValue(String key, Object node, Class<E> type, E dflt) {
            return r.enumValue("milter." + key, scalar(key, node), type, dflt);
        }

        Duration duration(String key, Object node, Duration dflt) {
            return r.duration("milter." + key, scalar(key, node), dflt, ChronoUnit.MINUTES, "5s or 500ms");
        }

        long size(String key, Object node, long dflt) {
            return r.binarySize("milter." + key, scalar(key, node), dflt);
        }
    }
}
