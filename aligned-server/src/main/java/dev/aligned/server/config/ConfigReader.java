package dev.aligned.server.config;

import dev.aligned.server.ingest.ConfigError;
import dev.aligned.server.ingest.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads values out of a parsed YAML tree, collecting every problem with its key instead of stopping at the
 * first; {@code ${NAME}} references in strings come from the environment. Shared by the ingest, reporting and
 * milter sections of {@code aligned.yaml}, so that a value is written the same way everywhere (durations
 * {@code 30s 5m 1h}, sizes {@code 64KiB 10MiB}) and every error names its key.
 *
 * <pre>{@code
 * Object root = ConfigReader.yaml(1 << 20).load(text);
 * ConfigReader r = new ConfigReader(System.getenv());
 * Map<String, Object> top = r.map("(top)", root);
 * Duration poll = r.duration("poll_interval", top.get("poll_interval"), Duration.ofMinutes(1), ChronoUnit.HOURS,
 *         "30s, 5m or 1h");
 * if (!r.errors().isEmpty()) throw new ConfigException(file, r.errors());
 * }</pre>
 */
public final class ConfigReader {
    private static final Pattern REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
    private static final List<String> DURATION_UNITS = List.of("ms", "s", "m", "h", "d");
    private static final List<ChronoUnit> DURATION_CHRONO = List.of(ChronoUnit.MILLIS, ChronoUnit.SECONDS,
            ChronoUnit.MINUTES, ChronoUnit.HOURS, ChronoUnit.DAYS);
    private final Map<String, String> env;
    private final List<ConfigError> errors = new ArrayList<>();

    public ConfigReader(Map<String, String> env) {
        this.env = env;
    }

    /**
     * A safe YAML loader for configuration files: plain data only, no duplicate keys, at most 10 aliases per
     * collection, nesting depth 20, at most {@code maxChars} code points.
     */
    public static Yaml yaml(int maxChars) {
        LoaderOptions opts = new LoaderOptions();
        opts.setAllowDuplicateKeys(false);
        opts.setMaxAliasesForCollections(10);
        opts.setAllowRecursiveKeys(false);
        opts.setNestingDepthLimit(20);
        opts.setCodePointLimit(maxChars);
        return new Yaml(new SafeConstructor(opts));
    }

    /**
     * Parses {@code text} (the contents of {@code file}) with {@link #yaml}; a syntax error becomes a
     * {@link ConfigException} under the key {@code (yaml)}, with its line and column.
     */
    public static Object load(Path file, String text, int maxChars) throws ConfigException {
        try {
            return yaml(maxChars).load(text);
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String where = m == null ? "" : "line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1) + ": ";
            throw new ConfigException(file, List.of(new ConfigError("(yaml)", where + e.getProblem())));
        } catch (YAMLException e) {
            throw new ConfigException(file, List.of(new ConfigError("(yaml)", String.valueOf(e.getMessage()))));
        }
    }

    /** The problems found so far, in the order found (live: later reads append to it). */
    public List<ConfigError> errors() {
        return errors;
    }

    public void error(String key, String message) {
        errors.add(new ConfigError(key, message));
    }

    /** Reports each key of {@code m} that is not in {@code known}, as {@code pre + key}. */
    public void unknown(String pre, Map<String, Object> m, Set<String> known) {
        for (String k : m.keySet()) {
            if (!known.contains(k)) {
                error(pre + k, "unknown key; known keys here: " + String.join(", ", known.stream().sorted().toList()));
            }
        }
    }

    /** A mapping with string keys; an absent node is an empty mapping, anything else an error (and empty). */
    public Map<String, Object> map(String key, Object node) {
        if (node == null) {
            return Map.of();
        }
        Map<String, Object> m = mapOrNull(key, node);
        return m == null ? Map.of() : m;
    }

    /** A mapping with string keys, or null after reporting that {@code node} (even absent) is not one. */
    public Map<String, Object> mapOrNull(String key, Object node) {
        if (node instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                out.put(String.valueOf(e.getKey()), e.getValue());
            }
            return out;
        }
        error(key, "expected a mapping (key: value lines), got " + describe(node));
        return null;
    }

    /** A list's items as they are; an absent node is an empty list. */
    @SuppressWarnings("unchecked")
    public List<Object> list(String key, Object node) {
        if (node == null) {
            return List.of();
        }
        if (node instanceof List<?> l) {
            return (List<Object>) l;
        }
        error(key, "expected a list (lines starting with '- '), got " + describe(node));
        return List.of();
    }

    /** A list of single values, each read with {@link #string} under {@code key[i]}. */
    public List<String> strings(String key, Object node) {
        List<String> out = new ArrayList<>();
        List<Object> l = list(key, node);
        for (int i = 0; i < l.size(); i++) {
            String s = string(key + "[" + i + "]", l.get(i));
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    /** The value of the last segment of {@code key} in {@code m}, or null after reporting it missing. */
    public String required(String key, Map<String, Object> m) {
        String leaf = key.substring(key.lastIndexOf('.') + 1);
        if (m.get(leaf) == null) {
            error(key, "missing");
            return null;
        }
        return string(key, m.get(leaf));
    }

    /** A scalar as text, with {@code ${NAME}} references replaced from the environment; null when absent. */
    public String string(String key, Object node) {
        if (node == null) {
            return null;
        }
        if (node instanceof Map || node instanceof List) {
            error(key, "expected a single value, got " + describe(node));
            return null;
        }
        String s = String.valueOf(node);
        Matcher mt = REF.matcher(s);
        StringBuilder out = new StringBuilder();
        while (mt.find()) {
            String value = env.get(mt.group(1));
            if (value == null) {
                error(key, "environment variable " + mt.group(1) + " is not set; export it before starting "
                        + "Aligned (referenced as ${" + mt.group(1) + "})");
                return null;
            }
            mt.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        mt.appendTail(out);
        return out.toString();
    }

    public String stringOr(String key, Object node, String dflt) {
        String s = string(key, node);
        return s == null ? dflt : s;
    }

    /** A whole number, any size a {@code long} holds. */
    public long number(String key, Object node, long dflt) {
        return number(key, node, dflt, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** A whole number from {@code min} to {@code max}; outside that, an error and {@code dflt}. */
    public long number(String key, Object node, long dflt, long min, long max) {
        if (node == null) {
            return dflt;
        }
        String s = string(key, node);
        if (s == null) {
            return dflt;
        }
        try {
            long n = Long.parseLong(s.trim());
            if (n < min || n > max) {
                error(key, "must be between " + min + " and " + max + ", got " + n);
                return dflt;
            }
            return n;
        } catch (NumberFormatException e) {
            error(key, "expected a whole number, got '" + s + "'");
            return dflt;
        }
    }

    public boolean bool(String key, Object node, boolean dflt) {
        if (node == null) {
            return dflt;
        }
        if (node instanceof Boolean b) {
            return b;
        }
        String s = string(key, node);
        if ("true".equalsIgnoreCase(s) || "false".equalsIgnoreCase(s)) {
            return Boolean.parseBoolean(s);
        }
        error(key, "expected true or false, got '" + s + "'");
        return dflt;
    }

    /** One of {@code type}'s constants, named in any case. */
    public <E extends Enum<E>> E enumValue(String key, Object node, Class<E> type, E dflt) {
        if (node == null) {
            return dflt;
        }
        String s = string(key, node);
        if (s == null) {
            return dflt;
        }
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(s.trim())) {
                return e;
            }
        }
        List<String> names = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            names.add(e.name().toLowerCase(Locale.ROOT));
        }
        error(key, "expected one of " + String.join(", ", names) + ", got '" + s + "'");
        return dflt;
    }

    /**
     * A duration: a number (seconds) with an optional unit {@code ms s m h d}, up to {@code largest}
     * ({@code MINUTES}, {@code HOURS} or {@code DAYS}); {@code examples} completes the error message
     * "expected a duration such as ...".
     */
    public Duration duration(String key, Object node, Duration dflt, ChronoUnit largest, String examples) {
        if (node == null) {
            return dflt;
        }
        String s = string(key, node);
        if (s == null) {
            return dflt;
        }
        List<String> units = DURATION_UNITS.subList(0, DURATION_CHRONO.indexOf(largest) + 1);
        Matcher m = Pattern.compile("(\\d{1,9})\\s*(" + String.join("|", units) + ")?")
                .matcher(s.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            error(key, "expected a duration such as " + examples + ", got '" + s + "'");
            return dflt;
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2) == null ? "s" : m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofSeconds(n);
        };
    }

    /** {@code 1048576}, {@code 64KiB}, {@code 64MiB}, {@code 1GiB} (also kB, MB, GB as powers of 1000). */
    public long size(String key, Object node, long dflt) {
        return size(key, node, dflt, true, "a size such as 1048576, 512KiB or 64MiB");
    }

    /** {@code 1048576}, {@code 64KiB}, {@code 64MiB}, {@code 1GiB}: binary units only. */
    public long binarySize(String key, Object node, long dflt) {
        return size(key, node, dflt, false, "a number or a size such as 512KiB or 64MiB");
    }

    private long size(String key, Object node, long dflt, boolean decimal, String expected) {
        if (node == null) {
            return dflt;
        }
        String s = string(key, node);
        if (s == null) {
            return dflt;
        }
        String units = decimal ? "b|kb|kib|mb|mib|gb|gib" : "b|kib|mib|gib";
        Matcher m = Pattern.compile("(\\d{1,12})\\s*(" + units + ")?").matcher(s.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            error(key, "expected " + expected + ", got '" + s + "'");
            return dflt;
        }
        long n = Long.parseLong(m.group(1));
        long mult = switch (m.group(2) == null ? "b" : m.group(2)) {
            case "kb" -> 1000L;
            case "kib" -> 1024L;
            case "mb" -> 1000_000L;
            case "mib" -> 1L << 20;
            case "gb" -> 1000_000_000L;
            case "gib" -> 1L << 30;
            default -> 1L;
        };
        return n > Long.MAX_VALUE / mult ? Long.MAX_VALUE : n * mult;
    }

    /** How an unexpected node is named in messages: {@code a mapping}, {@code a list}, {@code 'value'}. */
    public static String describe(Object node) {
        if (node == null) {
            return "nothing";
        }
        if (node instanceof Map) {
            return "a mapping";
        }
        if (node instanceof List) {
            return "a list";
        }
        return "'" + node + "'";
    }
}
