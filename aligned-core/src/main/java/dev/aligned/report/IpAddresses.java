package dev.aligned.report;

import java.util.Locale;
import java.util.Optional;

/**
 * IP address literals without any DNS: {@link #canonical(String)} accepts dotted-quad IPv4 and every RFC 4291
 * IPv6 text form (compressed, upper case, embedded IPv4) and returns the canonical text (RFC 5952 for IPv6).
 *
 * <pre>{@code
 * IpAddresses.canonical("2001:DB8:0:0:0:0:0:1");  // Optional[2001:db8::1]
 * IpAddresses.canonical("108r.166.27.220");       // Optional.empty
 * }</pre>
 */
public final class IpAddresses {
    private IpAddresses() {
    }

    /** The canonical form of an IPv4 or IPv6 literal, or empty when {@code text} is not one. */
    public static Optional<String> canonical(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String s = text.strip();
        if (s.indexOf(':') >= 0) {
            if (s.startsWith("[") && s.endsWith("]")) {
                s = s.substring(1, s.length() - 1);
            }
            int pct = s.indexOf('%');
            if (pct >= 0) {
                return Optional.empty();
            }
            int[] groups = parseV6(s);
            return groups == null ? Optional.empty() : Optional.of(formatV6(groups));
        }
        int[] v4 = parseV4(s);
        if (v4 == null) {
            return Optional.empty();
        }
        return Optional.of(v4[0] + "." + v4[1] + "." + v4[2] + "." + v4[3]);
    }

    static int[] parseV4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        int[] out = new int[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3) {
                return null;
            }
            int v = 0;
            for (int j = 0; j < p.length(); j++) {
                char c = p.charAt(j);
                if (c < '0' || c > '9') {
                    return null;
                }
                v = v * 10 + (c - '0');
            }
            if (v > 255) {
                return null;
            }
            out[i] = v;
        }
        return out;
    }

    private static int[] parseV6(String s) {
        int[] groups = new int[8];
        int dbl = s.indexOf("::");
        if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) {
            return null;
        }
        String head = dbl >= 0 ? s.substring(0, dbl) : s;
        String tail = dbl >= 0 ? s.substring(dbl + 2) : "";
        int[] h = groups(head);
        int[] t = groups(tail);
        if (h == null || t == null) {
            return null;
        }
        if (dbl < 0) {
            if (h.length != 8) {
                return null;
            }
            return h;
        }
        if (h.length + t.length > 7) {
            return null;
        }
        System.arraycopy(h, 0, groups, 0, h.length);
        System.arraycopy(t, 0, groups, 8 - t.length, t.length);
        return groups;
    }

    /** Parses colon-separated hex groups, allowing a trailing dotted IPv4 (two groups). */
    private static int[] groups(String s) {
        if (s.isEmpty()) {
            return new int[0];
        }
        String[] parts = s.split(":", -1);
        int n = parts.length;
        boolean v4Tail = parts[n - 1].indexOf('.') >= 0;
        int[] out = new int[v4Tail ? n + 1 : n];
        for (int i = 0; i < n; i++) {
            String p = parts[i];
            if (i == n - 1 && v4Tail) {
                int[] v4 = parseV4(p);
                if (v4 == null) {
                    return null;
                }
                out[i] = (v4[0] << 8) | v4[1];
                out[i + 1] = (v4[2] << 8) | v4[3];
                continue;
            }
            if (p.isEmpty() || p.length() > 4) {
                return null;
            }
            int v = 0;
            for (int j = 0; j < p.length(); j++) {
                int d = Character.digit(p.charAt(j), 16);
                if (d < 0) {
                    return null;
                }
                v = (v << 4) | d;
            }
            out[i] = v;
        }
        return out;
    }

    private static String formatV6(int[] g) {
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] == 0) {
                int j = i;
                while (j < 8 && g[j] == 0) {
                    j++;
                }
                if (j - i > bestLen) {
                    bestLen = j - i;
                    bestStart = i;
                }
                i = j;
            } else {
                i++;
            }
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString().toLowerCase(Locale.ROOT);
    }
}
