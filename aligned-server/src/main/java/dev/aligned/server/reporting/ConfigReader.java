package dev.aligned.server.reporting;

import dev.aligned.server.ingest.ConfigError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads values out of a parsed YAML tree, collecting every problem with its key instead of stopping at the
 * first; {@code ${NAME}} references in strings come from the environment. Same value syntax as the ingest
 * configuration (durations {@code 30s 5m 1h}, sizes {@code 64KiB 10MiB}).
 */
final class ConfigReader {
    private static final Pattern REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
    private final Map<String, String> env;
    final List<ConfigError> errors = new ArrayList<>();

    ConfigReader(Map<String, String> env) {
        this.env = env;
    }

    void error(String key, String message) {
        errors.add(new ConfigError(key, message));
    }

    void unknown(String pre, Map<String, Object> m, Set<String> known) {
        for (String k : m.keySet()) {
            if (!known.contains(k)) {
                error(pre + k, "unknown key; known keys here: " + String.join(", ", known.stream().sorted().toList()));
            }
        }
    }

    Map<String, Object> map(String key, Object node) {
        if (node == null) {
            return Map.of();
        }
        if (node instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                out.put(String.valueOf(e.getKey()), e.getValue());
            }
            return out;
        }
        error(key, "expected a mapping (key: value lines), got " + describe(node));
        return Map.of();
    }

    List<String> strings(String key, Object node) {
        if (node == null) {
            return List.of();
        }
        if (!(node instanceof List<?> l)) {
            error(key, "expected a list (lines starting with '- '), got " + describe(node));
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < l.size(); i++) {
            String s = string(key + "[" + i + "]", l.get(i));
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    String string(String key, Object node) {
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

    String stringOr(String key, Object node, String dflt) {
        String s = string(key, node);
        return s == null ? dflt : s;
    }

    long number(String key, Object node, long dflt, long min, long max) {
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

    boolean bool(String key, Object node, boolean dflt) {
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

    <E extends Enum<E>> E enumValue(String key, Object node, Class<E> type, E dflt) {
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

    /** {@code 90} (seconds), {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 2d}. */
    Duration duration(String key, Object node, Duration dflt) {
        if (node == null) {
            return dflt;
        }
        String s = string(key, node);
        if (s == null) {
            return dflt;
        }
        Matcher m = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h|d)?").matcher(s.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            error(key, "expected a duration such as 30s, 5m or 1h, got '" + s + "'");
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

    static String describe(Object node) {
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
