package dev.aligned.spf;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Strict IP address text parsing (RFC 7208 section 12 {@code ip4-network}, RFC 4291 section 2.2 for IPv6),
 * prefix matching and the text forms SPF macros need. No regular expressions, no name resolution.
 */
final class Ip {
    private Ip() {
    }

    /** An IPv4 address as an int, or -1L when {@code s[from, to)} is not a dotted quad without leading zeros. */
    static long parse4(CharSequence s, int from, int to) {
        long value = 0;
        int parts = 0;
        int i = from;
        while (true) {
            int start = i;
            int n = 0;
            while (i < to && i - start < 4) {
                char c = s.charAt(i);
                if (c < '0' || c > '9') {
                    break;
                }
                n = n * 10 + (c - '0');
                i++;
            }
            int len = i - start;
            if (len == 0 || len > 3 || n > 255 || (len > 1 && s.charAt(start) == '0')) {
                return -1;
            }
            value = (value << 8) | n;
            parts++;
            if (parts == 4) {
                return i == to ? value : -1;
            }
            if (i >= to || s.charAt(i) != '.') {
                return -1;
            }
            i++;
        }
    }

    /**
     * An IPv6 address as {high, low}, or null when {@code s[from, to)} is not an RFC 4291 text address
     * (hex groups, at most one "::", optionally a dotted-quad tail).
     */
    static long[] parse6(CharSequence s, int from, int to) {
        int[] groups = new int[8];
        int n = 0;
        int gap = -1;
        int i = from;
        if (to - from < 2) {
            return null;
        }
        if (s.charAt(i) == ':') {
            if (s.charAt(i + 1) != ':') {
                return null;
            }
            gap = 0;
            i += 2;
            if (i == to) {
                return new long[] {0, 0};
            }
        }
        while (true) {
            int start = i;
            int v = 0;
            while (i < to) {
                int d = Character.digit(s.charAt(i), 16);
                if (d < 0 || s.charAt(i) > 'f') {
                    break;
                }
                v = (v << 4) | d;
                i++;
                if (i - start > 4) {
                    return null;
                }
            }
            if (i < to && s.charAt(i) == '.') {
                if (n > 6) {
                    return null;
                }
                long v4 = parse4(s, start, to);
                if (v4 < 0) {
                    return null;
                }
                groups[n++] = (int) (v4 >>> 16);
                groups[n++] = (int) (v4 & 0xffff);
                i = to;
                break;
            }
            if (i == start || n == 8) {
                return null;
            }
            groups[n++] = v;
            if (i == to) {
                break;
            }
            if (s.charAt(i) != ':') {
                return null;
            }
            i++;
            if (i < to && s.charAt(i) == ':') {
                if (gap >= 0) {
                    return null;
                }
                gap = n;
                i++;
                if (i == to) {
                    break;
                }
            } else if (i == to) {
                return null;
            }
        }
        int[] full = new int[8];
        if (gap < 0) {
            if (n != 8) {
                return null;
            }
            full = groups;
        } else {
            if (n > 7) {
                return null;
            }
            System.arraycopy(groups, 0, full, 0, gap);
            int tail = n - gap;
            System.arraycopy(groups, gap, full, 8 - tail, tail);
        }
        long hi = 0;
        long lo = 0;
        for (int k = 0; k < 4; k++) {
            hi = (hi << 16) | full[k];
            lo = (lo << 16) | full[k + 4];
        }
        return new long[] {hi, lo};
    }

    /** True when the IPv4 {@code addr} lies in {@code net/prefix}. */
    static boolean in4(int addr, int net, int prefix) {
        return prefix == 0 || ((addr ^ net) >>> (32 - prefix)) == 0;
    }

    /** True when the IPv6 {@code (hi, lo)} lies in {@code (nhi, nlo)/prefix}. */
    static boolean in6(long hi, long lo, long nhi, long nlo, int prefix) {
        if (prefix == 0) {
            return true;
        }
        if (prefix <= 64) {
            return ((hi ^ nhi) >>> (64 - prefix)) == 0;
        }
        if (hi != nhi) {
            return false;
        }
        return prefix == 128 ? lo == nlo : ((lo ^ nlo) >>> (128 - prefix)) == 0;
    }

    static int toInt(Inet4Address a) {
        byte[] b = a.getAddress();
        return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    }

    static long[] toLongs(Inet6Address a) {
        byte[] b = a.getAddress();
        long hi = 0;
        long lo = 0;
        for (int k = 0; k < 8; k++) {
            hi = (hi << 8) | (b[k] & 0xff);
            lo = (lo << 8) | (b[k + 8] & 0xff);
        }
        return new long[] {hi, lo};
    }

    static String format4(int a) {
        return (a >>> 24) + "." + ((a >>> 16) & 0xff) + "." + ((a >>> 8) & 0xff) + "." + (a & 0xff);
    }

    /** RFC 5952 text: lower case, no leading zeros, the longest run (first on ties) of 2+ zero groups as "::". */
    static String format6(long hi, long lo) {
        int[] g = new int[8];
        for (int k = 0; k < 4; k++) {
            g[k] = (int) ((hi >>> (48 - 16 * k)) & 0xffff);
            g[k + 4] = (int) ((lo >>> (48 - 16 * k)) & 0xffff);
        }
        int bestStart = -1;
        int bestLen = 0;
        for (int k = 0; k < 8; ) {
            if (g[k] != 0) {
                k++;
                continue;
            }
            int start = k;
            while (k < 8 && g[k] == 0) {
                k++;
            }
            if (k - start > bestLen) {
                bestLen = k - start;
                bestStart = start;
            }
        }
        if (bestLen < 2) {
            bestStart = -1;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int k = 0; k < 8; k++) {
            if (k == bestStart) {
                sb.append("::");
                k += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[k]));
        }
        return sb.toString();
    }

    /** Canonical text of a client address: IPv4-mapped IPv6 as IPv4, other IPv6 in RFC 5952 form. */
    static String text(InetAddress a) {
        if (a instanceof Inet4Address v4) {
            return format4(toInt(v4));
        }
        long[] l = toLongs((Inet6Address) a);
        if (l[0] == 0 && (l[1] >>> 32) == 0xffffL) {
            return format4((int) l[1]);
        }
        return format6(l[0], l[1]);
    }

    /** The 32 nibbles of an IPv6 address, most significant first, separated by dots, upper-case hex. */
    static String nibbles(long hi, long lo) {
        char[] out = new char[63];
        int p = 0;
        for (int k = 0; k < 32; k++) {
            long word = k < 16 ? hi : lo;
            int shift = 60 - 4 * (k % 16);
            int d = (int) ((word >>> shift) & 0xf);
            if (k > 0) {
                out[p++] = '.';
            }
            out[p++] = "0123456789ABCDEF".charAt(d);
        }
        return new String(out);
    }

    /** The reverse-lookup name of an IPv4 address, without the trailing dot. */
    static String reverse4(int a) {
        return (a & 0xff) + "." + ((a >>> 8) & 0xff) + "." + ((a >>> 16) & 0xff) + "." + (a >>> 24) + ".in-addr.arpa";
    }

    /** The reverse-lookup name of an IPv6 address, without the trailing dot. */
    static String reverse6(long hi, long lo) {
        StringBuilder sb = new StringBuilder(73);
        for (int k = 31; k >= 0; k--) {
            long word = k < 16 ? hi : lo;
            int shift = 60 - 4 * (k % 16);
            sb.append(Character.forDigit((int) ((word >>> shift) & 0xf), 16)).append('.');
        }
        return sb.append("ip6.arpa").toString();
    }

    /**
     * Parses a client address given as text: a dotted quad or an RFC 4291 IPv6 address (IPv4-mapped allowed).
     * Returns null when it is neither.
     */
    static InetAddress parseClient(String text) {
        String s = text.trim();
        try {
            long v4 = parse4(s, 0, s.length());
            if (v4 >= 0) {
                return InetAddress.getByAddress(new byte[] {
                        (byte) (v4 >>> 24), (byte) (v4 >>> 16), (byte) (v4 >>> 8), (byte) v4});
            }
            long[] v6 = parse6(s, 0, s.length());
            if (v6 == null) {
                return null;
            }
            byte[] b = new byte[16];
            for (int k = 0; k < 8; k++) {
                b[k] = (byte) (v6[0] >>> (56 - 8 * k));
                b[k + 8] = (byte) (v6[1] >>> (56 - 8 * k));
            }
            return Inet6Address.getByAddress(null, b, null);
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }
}
