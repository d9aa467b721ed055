package dev.aligned.dns.dnsjava;

import dev.aligned.dns.DnsAnswer;
import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.DnsResolver;
import dev.aligned.dns.DnsType;
import dev.aligned.dns.DomainName;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;

/**
 * The production {@link DnsResolver}: asks recursive name servers over UDP (with EDNS0) and falls back to TCP
 * when an answer comes back truncated. Built on dnsjava's {@link SimpleResolver}, one per server; dnsjava's
 * {@code Lookup} class and its process-wide cache are not used (wrap this resolver in a
 * {@code dev.aligned.dns.CachingResolver} to cache).
 *
 * <p>Outcomes: {@code NOERROR} with records of the asked type gives {@link DnsAnswer.Records} (TTL = the least
 * TTL of the records and of any CNAMEs followed); {@code NOERROR} without them gives {@link DnsAnswer.NoData};
 * {@code NXDOMAIN} gives {@link DnsAnswer.NxDomain}; negative TTLs come from the SOA in the authority section
 * (the smaller of its TTL and its MINIMUM, RFC 2308), or zero when there is none. {@code SERVFAIL},
 * {@code REFUSED}, other response codes, referrals, timeouts and network errors give
 * {@link DnsAnswer.TempFailure} with a reason naming each server asked and what went wrong.
 *
 * <p>Retries: the servers are asked in order, round after round, {@link Builder#tries(int)} rounds at most; a
 * server that answered with an error code is not asked again for the same query, one that timed out or failed
 * on the network is. The worst case for one lookup is thus about {@code tries × servers × timeout} (plus the
 * same again for each CNAME target that needs its own query).
 *
 * <p>CNAMEs are followed for every type other than CNAME, at most {@value #MAX_CNAME_CHAIN} of them, both within
 * one answer and, when the answer stops at a target the server is not authoritative for, with further queries.
 *
 * <pre>{@code
 * DnsResolver dns = DnsjavaResolver.builder()
 *         .server("127.0.0.1:5353")            // default: the system's resolvers
 *         .timeout(Duration.ofSeconds(2))      // default 5 s per attempt
 *         .tries(2)                            // default 2 rounds over the servers
 *         .build();
 * DnsAnswer a = dns.lookup(DomainName.of("example.com"), DnsType.TXT);
 * }</pre>
 */
public final class DnsjavaResolver implements DnsResolver {
    /** The most CNAMEs followed for one lookup. */
    public static final int MAX_CNAME_CHAIN = 8;
    /** The default EDNS0 UDP payload size advertised (the DNS Flag Day 2020 value). */
    public static final int DEFAULT_EDNS_PAYLOAD = 1232;

    private final List<Server> servers;
    private final Duration timeout;
    private final int tries;

    private DnsjavaResolver(Builder b) {
        List<InetSocketAddress> addresses = b.servers.isEmpty() ? systemServers() : List.copyOf(b.servers);
        List<Server> list = new ArrayList<>();
        for (InetSocketAddress a : addresses) {
            list.add(new Server(a, newResolver(a, b.timeout, b.ednsPayload), newResolver(a, b.timeout, -1),
                    b.ednsPayload > 0));
        }
        this.servers = List.copyOf(list);
        this.timeout = b.timeout;
        this.tries = b.tries;
    }

    private static SimpleResolver newResolver(InetSocketAddress address, Duration timeout, int ednsPayload) {
        SimpleResolver r = new SimpleResolver(address);
        r.setTimeout(timeout);
        r.setTCP(false);
        r.setIgnoreTruncation(false); // a truncated UDP answer is asked again over TCP by SimpleResolver
        if (ednsPayload > 0) {
            r.setEDNS(0, ednsPayload, 0, List.of());
        } else {
            r.setEDNS(-1, 0, 0, List.of());
        }
        return r;
    }

    private static List<InetSocketAddress> systemServers() {
        List<InetSocketAddress> found = ResolverConfig.getCurrentConfig().servers();
        if (found == null || found.isEmpty()) {
            return List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), SimpleResolver.DEFAULT_PORT));
        }
        return List.copyOf(found);
    }

    /** A builder with the defaults: the system's resolvers, 5 s timeout, 2 tries, EDNS0 payload 1232. */
    public static Builder builder() {
        return new Builder();
    }

    /** The servers asked, in order. */
    public List<InetSocketAddress> servers() {
        return servers.stream().map(Server::address).toList();
    }

    /** The timeout of one attempt at one server. */
    public Duration timeout() {
        return timeout;
    }

    @Override
    public DnsAnswer lookup(DomainName name, DnsType type) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        DomainName current = name;
        List<DnsRecord> chainRecords = new ArrayList<>();
        long minTtl = Long.MAX_VALUE;
        Set<DomainName> seen = new HashSet<>();
        seen.add(name);
        int cnames = 0;
        while (true) {
            Exchange ex = ask(current, type);
            if (ex.failure != null) {
                return new DnsAnswer.TempFailure(name, type, ex.failure);
            }
            Message m = ex.response;
            int rcode = m.getRcode();
            // Walk the answer section from the name asked, following CNAMEs.
            List<Record> answer = m.getSection(Section.ANSWER);
            List<DnsRecord> found = new ArrayList<>();
            while (true) {
                long ttl = Long.MAX_VALUE;
                for (Record r : answer) {
                    if (r.getType() == type.code() && r.getDClass() == DClass.IN && sameName(r.getName(), current)) {
                        DnsRecord mapped = Wire.map(r);
                        if (mapped != null) {
                            found.add(mapped);
                            ttl = Math.min(ttl, r.getTTL());
                        }
                    }
                }
                if (!found.isEmpty()) {
                    minTtl = Math.min(minTtl, ttl);
                    break;
                }
                if (type == DnsType.CNAME) {
                    break;
                }
                CNAMERecord cname = null;
                for (Record r : answer) {
                    if (r instanceof CNAMERecord c && sameName(c.getName(), current)) {
                        cname = c;
                        break;
                    }
                }
                if (cname == null) {
                    break;
                }
                DomainName target = Wire.toDomainName(cname.getTarget());
                if (target == null) {
                    return new DnsAnswer.TempFailure(name, type,
                            "CNAME at " + current + " points to a name that cannot be used: " + cname.getTarget());
                }
                if (++cnames > MAX_CNAME_CHAIN || !seen.add(target)) {
                    return new DnsAnswer.TempFailure(name, type, (cnames > MAX_CNAME_CHAIN
                            ? "CNAME chain longer than " + MAX_CNAME_CHAIN : "CNAME loop") + " at " + current
                            + " -> " + target);
                }
                chainRecords.add(new DnsRecord.Cname(target));
                minTtl = Math.min(minTtl, cname.getTTL());
                current = target;
            }
            if (!found.isEmpty()) {
                return new DnsAnswer.Records(name, type, found, Duration.ofSeconds(Math.max(0, minTtl)));
            }
            SOARecord soa = null;
            boolean ns = false;
            for (Record r : m.getSection(Section.AUTHORITY)) {
                if (r instanceof SOARecord s) {
                    soa = s;
                } else if (r instanceof NSRecord) {
                    ns = true;
                }
            }
            Duration negative = soa == null ? Duration.ZERO
                    : Duration.ofSeconds(Math.max(0, Math.min(soa.getTTL(), soa.getMinimum())));
            if (rcode == Rcode.NXDOMAIN) {
                return new DnsAnswer.NxDomain(name, type, negative);
            }
            // NOERROR (ask() turned every other code into a failure).
            if (soa == null && !current.equals(ex.asked)) {
                // The answer stopped at a CNAME target outside what the server answers for: ask for the target.
                continue;
            }
            if (soa == null && ns && !m.getHeader().getFlag(Flags.RA) && !m.getHeader().getFlag(Flags.AA)) {
                return new DnsAnswer.TempFailure(name, type, "referral from " + ex.server
                        + " for " + current + " (the server does not recurse; give a recursive resolver)");
            }
            return new DnsAnswer.NoData(name, type, negative);
        }
    }

    private record Exchange(DomainName asked, Message response, String server, String failure) {
    }

    private Exchange ask(DomainName qname, DnsType type) {
        Name name = Wire.toName(qname);
        Message query = Message.newQuery(Record.newRecord(name, type.code(), DClass.IN));
        Map<Server, String> failures = new LinkedHashMap<>();
        Set<Server> done = new HashSet<>();
        for (int round = 0; round < tries; round++) {
            for (Server s : servers) {
                if (done.contains(s)) {
                    continue;
                }
                if (Thread.currentThread().isInterrupted()) {
                    failures.put(s, "interrupted");
                    return new Exchange(qname, null, null, describe(qname, type, failures));
                }
                Outcome o = send(s.edns, query);
                if (o.response != null && o.response.getRcode() == Rcode.FORMERR && s.ednsOn) {
                    // An old server that does not understand EDNS0: ask once more without it.
                    o = send(s.plain, query);
                }
                if (o.response != null) {
                    int rcode = o.response.getRcode();
                    if (rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN) {
                        return new Exchange(qname, o.response, s.label(), null);
                    }
                    failures.put(s, "answered " + Rcode.string(rcode));
                    done.add(s);
                } else {
                    failures.put(s, o.failure);
                }
            }
            if (done.size() == servers.size()) {
                break;
            }
        }
        return new Exchange(qname, null, null, describe(qname, type, failures));
    }

    private static String describe(DomainName qname, DnsType type, Map<Server, String> failures) {
        StringBuilder sb = new StringBuilder("no answer for ").append(type).append(' ')
                .append(qname.isRoot() ? "." : qname.name()).append(": ");
        boolean first = true;
        for (Map.Entry<Server, String> e : failures.entrySet()) {
            if (!first) {
                sb.append("; ");
            }
            first = false;
            sb.append(e.getKey().label()).append(' ').append(e.getValue());
        }
        return sb.toString();
    }

    private record Outcome(Message response, String failure) {
    }

    private Outcome send(SimpleResolver r, Message query) {
        CompletableFuture<Message> f = r.sendAsync(query).toCompletableFuture();
        // SimpleResolver enforces the timeout itself; the wait below is a backstop (a truncated answer may need a
        // second, TCP, exchange with its own timeout).
        long waitMillis = timeout.toMillis() * 2 + 500;
        try {
            return new Outcome(f.get(waitMillis, TimeUnit.MILLISECONDS), null);
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            return new Outcome(null, "interrupted");
        } catch (TimeoutException e) {
            f.cancel(true);
            return new Outcome(null, "timed out after " + pretty(timeout));
        } catch (CancellationException e) {
            return new Outcome(null, "cancelled");
        } catch (ExecutionException e) {
            return new Outcome(null, cause(e.getCause()));
        }
    }

    private String cause(Throwable t) {
        while ((t instanceof ExecutionException || t instanceof java.util.concurrent.CompletionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof SocketTimeoutException || t instanceof TimeoutException) {
            return "timed out after " + pretty(timeout);
        }
        if (t instanceof org.xbill.DNS.WireParseException) {
            return "sent a malformed answer (" + t.getMessage() + ")";
        }
        if (t instanceof IOException) {
            String msg = t.getMessage();
            if (msg != null && msg.toLowerCase(java.util.Locale.ROOT).contains("timed out")) {
                return "timed out after " + pretty(timeout);
            }
            return "network error: " + (msg == null ? t.getClass().getSimpleName() : msg);
        }
        return "error: " + t;
    }

    private static String pretty(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? (ms / 1000) + " s" : ms + " ms";
    }

    private static boolean sameName(Name a, DomainName b) {
        DomainName d = Wire.toDomainName(a);
        return d != null && d.equals(b);
    }

    private record Server(InetSocketAddress address, SimpleResolver edns, SimpleResolver plain, boolean ednsOn) {
        String label() {
            InetAddress a = address.getAddress();
            String host = a == null ? address.getHostString() : a.getHostAddress();
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
        }

        @Override
        public boolean equals(Object o) {
            return this == o;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }
    }

    /** Configures a {@link DnsjavaResolver}. */
    public static final class Builder {
        private final List<InetSocketAddress> servers = new ArrayList<>();
        private Duration timeout = Duration.ofSeconds(5);
        private int tries = 2;
        private int ednsPayload = DEFAULT_EDNS_PAYLOAD;

        private Builder() {
        }

        /**
         * Adds a server as {@code HOST}, {@code HOST:PORT}, {@code IPv6}, or {@code [IPv6]:PORT} (port 53 by default).
         * Once any server is added, the system's resolvers are not used.
         *
         * @throws IllegalArgumentException naming the text when it is not a usable server address
         */
        public Builder server(String hostPort) {
            servers.add(parseServer(hostPort));
            return this;
        }

        /** Adds a server. */
        public Builder server(InetSocketAddress address) {
            Objects.requireNonNull(address, "address");
            if (address.isUnresolved()) {
                throw new IllegalArgumentException("server address '" + address.getHostString() + "' is unresolved");
            }
            servers.add(address);
            return this;
        }

        /** The timeout of one attempt at one server (default 5 s); between 1 ms and 5 minutes. */
        public Builder timeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofMinutes(5)) > 0) {
                throw new IllegalArgumentException("timeout must be between 1 ms and 5 minutes, not " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /** How many rounds over the servers at most (default 2); between 1 and 10. */
        public Builder tries(int tries) {
            if (tries < 1 || tries > 10) {
                throw new IllegalArgumentException("tries must be between 1 and 10, not " + tries);
            }
            this.tries = tries;
            return this;
        }

        /**
         * The EDNS0 UDP payload size to advertise (default {@value DnsjavaResolver#DEFAULT_EDNS_PAYLOAD}), between
         * 512 and 4096; or 0 to send no EDNS0 at all (answers over 512 octets then come over TCP).
         */
        public Builder ednsPayload(int size) {
            if (size != 0 && (size < 512 || size > 4096)) {
                throw new IllegalArgumentException("EDNS payload size must be 0 (off) or 512..4096, not " + size);
            }
            this.ednsPayload = size;
            return this;
        }

        /** The resolver. */
        public DnsjavaResolver build() {
            return new DnsjavaResolver(this);
        }

        static InetSocketAddress parseServer(String text) {
            Objects.requireNonNull(text, "server");
            String s = text.strip();
            String host;
            int port = SimpleResolver.DEFAULT_PORT;
            if (s.startsWith("[")) {
                int close = s.indexOf(']');
                if (close < 0) {
                    throw new IllegalArgumentException("server '" + text + "': missing ']' after the IPv6 address");
                }
                host = s.substring(1, close);
                String rest = s.substring(close + 1);
                if (!rest.isEmpty()) {
                    if (!rest.startsWith(":")) {
                        throw new IllegalArgumentException("server '" + text + "': expected ':PORT' after ']'");
                    }
                    port = parsePort(text, rest.substring(1));
                }
            } else if (s.indexOf(':') >= 0 && s.indexOf(':') == s.lastIndexOf(':')) {
                host = s.substring(0, s.indexOf(':'));
                port = parsePort(text, s.substring(s.indexOf(':') + 1));
            } else {
                host = s; // a name, an IPv4 address, or a bare IPv6 address
            }
            if (host.isEmpty()) {
                throw new IllegalArgumentException("server '" + text + "': no host; use HOST or HOST:PORT");
            }
            try {
                return new InetSocketAddress(InetAddress.getByName(host), port);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("server '" + text + "': unknown host '" + host + "'", e);
            }
        }

        private static int parsePort(String text, String port) {
            try {
                int p = Integer.parseInt(port);
                if (p >= 1 && p <= 65535) {
                    return p;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException("server '" + text + "': port '" + port + "' is not 1..65535");
        }
    }
}
