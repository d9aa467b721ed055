package dev.aligned.server.milter;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * An address block ({@code 192.0.2.0/24}, {@code 2001:db8::/32}, or a single address).
 *
 * @param network the network address (host bits cleared)
 * @param prefix  the prefix length
 */
record Cidr(byte[] network, int prefix) {

    /** Parses {@code text}; empty when it is not an IP address with an optional prefix length. */
    static Optional<Cidr> parse(String text) {
        String t = text.strip();
        int slash = t.indexOf('/');
        String addr = slash < 0 ? t : t.substring(0, slash);
        if (addr.isEmpty() || !addr.matches("[0-9A-Fa-f:.]+")) {
            return Optional.empty(); // no name lookups: only literal addresses
        }
        byte[] a;
        try {
            a = InetAddress.getByName(addr).getAddress();
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
        int max = a.length * 8;
        int prefix = max;
        if (slash >= 0) {
            String p = t.substring(slash + 1);
            if (!p.matches("\\d{1,3}")) {
                return Optional.empty();
            }
            prefix = Integer.parseInt(p);
            if (prefix > max) {
                return Optional.empty();
            }
        }
        for (int i = 0; i < a.length; i++) {
            a[i] &= (byte) mask(prefix, i);
        }
        return Optional.of(new Cidr(a, prefix));
    }

    private static int mask(int prefix, int byteIndex) {
        int bits = Math.max(0, Math.min(8, prefix - byteIndex * 8));
        return (0xff << (8 - bits)) & 0xff;
    }

    /** True when {@code ip} lies in this block (IPv4-mapped IPv6 addresses count as IPv4). */
    boolean contains(InetAddress ip) {
        byte[] a = ip.getAddress();
        if (a.length == 16 && network.length == 4 && isV4Mapped(a)) {
            a = java.util.Arrays.copyOfRange(a, 12, 16);
        }
        if (a.length != network.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if ((a[i] & mask(prefix, i)) != (network[i] & 0xff)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isV4Mapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
        } catch (UnknownHostException e) {
            return "?/" + prefix;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefix == prefix && java.util.Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(network) * 31 + prefix;
    }
}
