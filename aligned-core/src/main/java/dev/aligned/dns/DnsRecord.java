package dev.aligned.dns;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/** One resource record's data, as a sealed family of immutable values. */
public sealed interface DnsRecord {

    /** The type of this record. */
    DnsType type();

    /** An IPv4 address record. */
    record A(Inet4Address address) implements DnsRecord {
        public A {
            Objects.requireNonNull(address, "address");
        }

        @Override
        public DnsType type() {
            return DnsType.A;
        }
    }

    /** An IPv6 address record. */
    record Aaaa(Inet6Address address) implements DnsRecord {
        public Aaaa {
            Objects.requireNonNull(address, "address");
        }

        @Override
        public DnsType type() {
            return DnsType.AAAA;
        }
    }

    /**
     * A TXT (or SPF type 99) record: its character-strings as the raw octets received, in order.
     * {@link #text()} joins them with nothing between, as SPF, DKIM and DMARC all require.
     */
    record Txt(DnsType type, List<byte[]> strings) implements DnsRecord {
        public Txt {
            if (type != DnsType.TXT && type != DnsType.SPF) {
                throw new IllegalArgumentException("a Txt record is of type TXT or SPF, not " + type);
            }
            strings = List.copyOf(strings);
        }

        /** A TXT record of the given strings (UTF-8 encoded). */
        public static Txt of(String... strings) {
            return new Txt(DnsType.TXT, java.util.Arrays.stream(strings)
                    .map(s -> s.getBytes(StandardCharsets.UTF_8)).toList());
        }

        /** The strings concatenated, decoded as UTF-8 (invalid octets become U+FFFD). */
        public String text() {
            if (strings.size() == 1) {
                return new String(strings.get(0), StandardCharsets.UTF_8);
            }
            int len = 0;
            for (byte[] s : strings) {
                len += s.length;
            }
            byte[] all = new byte[len];
            int pos = 0;
            for (byte[] s : strings) {
                System.arraycopy(s, 0, all, pos, s.length);
                pos += s.length;
            }
            return new String(all, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return type + " " + strings.stream().map(s -> '"' + new String(s, StandardCharsets.UTF_8) + '"').toList();
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Txt t) || t.type != type || t.strings.size() != strings.size()) {
                return false;
            }
            for (int i = 0; i < strings.size(); i++) {
                if (!java.util.Arrays.equals(strings.get(i), t.strings.get(i))) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int hashCode() {
            int h = type.hashCode();
            for (byte[] s : strings) {
                h = 31 * h + java.util.Arrays.hashCode(s);
            }
            return h;
        }
    }

    /** A mail exchanger record. */
    record Mx(int preference, DomainName exchange) implements DnsRecord {
        public Mx {
            Objects.requireNonNull(exchange, "exchange");
        }

        @Override
        public DnsType type() {
            return DnsType.MX;
        }
    }

    /** A pointer record (reverse DNS). */
    record Ptr(DomainName target) implements DnsRecord {
        public Ptr {
            Objects.requireNonNull(target, "target");
        }

        @Override
        public DnsType type() {
            return DnsType.PTR;
        }
    }

    /** A canonical name record (returned only when asked for CNAME; resolvers follow CNAMEs for other types). */
    record Cname(DomainName target) implements DnsRecord {
        public Cname {
            Objects.requireNonNull(target, "target");
        }

        @Override
        public DnsType type() {
            return DnsType.CNAME;
        }
    }

    /** A name server record. */
    record Ns(DomainName target) implements DnsRecord {
        public Ns {
            Objects.requireNonNull(target, "target");
        }

        @Override
        public DnsType type() {
            return DnsType.NS;
        }
    }

    /** An address record for {@code address}, A or AAAA by its family. */
    static DnsRecord address(InetAddress address) {
        return address instanceof Inet4Address v4 ? new A(v4) : new Aaaa((Inet6Address) address);
    }
}
