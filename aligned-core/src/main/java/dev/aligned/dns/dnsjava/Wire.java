package dev.aligned.dns.dnsjava;

import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.DnsType;
import dev.aligned.dns.DomainName;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.UnknownHostException;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.SPFRecord;
import org.xbill.DNS.TXTRecord;

/** Conversions between dnsjava's names and records and Aligned's. */
final class Wire {
    private Wire() {
    }

    /** The DNS wire name for {@code d}, built label by label so that no character is read as an escape. */
    static Name toName(DomainName d) {
        if (d.isRoot()) {
            return Name.root;
        }
        byte[] wire = new byte[d.name().length() + 2];
        int pos = 0;
        for (String label : d.labels()) {
            wire[pos++] = (byte) label.length();
            for (int i = 0; i < label.length(); i++) {
                wire[pos++] = (byte) label.charAt(i);
            }
        }
        wire[pos] = 0;
        try {
            return new Name(wire);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + d + " as a DNS name", e);
        }
    }

    /** The domain name for a wire name, or {@code null} when a label holds octets a DomainName cannot. */
    static DomainName toDomainName(Name n) {
        int count = n.labels();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < count; i++) {
            byte[] label = n.getLabel(i);
            int len = label[0] & 0xff;
            if (len == 0) {
                break; // the root label
            }
            if (!sb.isEmpty()) {
                sb.append('.');
            }
            for (int j = 1; j <= len; j++) {
                int c = label[j] & 0xff;
                if (c < ' ' || c >= 0x7f || c == '.') {
                    return null;
                }
                sb.append((char) c);
            }
        }
        return DomainName.parse(sb.toString()).orElse(null);
    }

    static DnsRecord map(Record r) {
        return switch (r) {
            case ARecord a when a.getAddress() instanceof Inet4Address v4 -> new DnsRecord.A(v4);
            case AAAARecord a -> {
                byte[] bytes = a.getAddress().getAddress();
                if (bytes.length == 4) { // an IPv4-mapped address that the JDK turned into an Inet4Address
                    byte[] v6 = new byte[16];
                    v6[10] = (byte) 0xff;
                    v6[11] = (byte) 0xff;
                    System.arraycopy(bytes, 0, v6, 12, 4);
                    bytes = v6;
                }
                try {
                    yield new DnsRecord.Aaaa(Inet6Address.getByAddress(null, bytes, null));
                } catch (UnknownHostException e) {
                    yield null;
                }
            }
            case TXTRecord t -> new DnsRecord.Txt(DnsType.TXT, t.getStringsAsByteArrays());
            case SPFRecord t -> new DnsRecord.Txt(DnsType.SPF, t.getStringsAsByteArrays());
            case MXRecord mx -> {
                DomainName target = toDomainName(mx.getTarget());
                yield target == null ? null : new DnsRecord.Mx(mx.getPriority(), target);
            }
            case PTRRecord p -> {
                DomainName target = toDomainName(p.getTarget());
                yield target == null ? null : new DnsRecord.Ptr(target);
            }
            case CNAMERecord c -> {
                DomainName target = toDomainName(c.getTarget());
                yield target == null ? null : new DnsRecord.Cname(target);
            }
            case NSRecord ns -> {
                DomainName target = toDomainName(ns.getTarget());
                yield target == null ? null : new DnsRecord.Ns(target);
            }
            default -> null;
        };
    }

}
