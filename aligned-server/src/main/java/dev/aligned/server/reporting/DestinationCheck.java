package dev.aligned.server.reporting;

import dev.aligned.dmarc.DmarcParseResult;
import dev.aligned.dmarc.DmarcRecord;
import dev.aligned.dmarc.DmarcRecordParser;
import dev.aligned.dmarc.PublicSuffixList;
import dev.aligned.dns.DnsAnswer;
import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.DnsResolver;
import dev.aligned.dns.DnsType;
import dev.aligned.dns.DomainName;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides which {@code rua}/{@code ruf} URIs of a policy record may receive reports (RFC 9990 section 4, "Verifying
 * External Destinations"; RFC 9991 applies it to {@code ruf}): a destination outside the policy domain's
 * organisation needs a TXT record starting {@code v=DMARC1} at {@code <policy-domain>._report._dmarc.<host>}; such
 * a record may replace the URI with its own {@code rua}/{@code ruf}, which must stay on the same host (otherwise
 * neither is used). Only {@code mailto:} URIs are used. Organisational domains come from the public suffix list,
 * as {@code aligned check} computes them. Answers are cached for an hour (bounded), so the failure reporter can
 * ask per message.
 */
final class DestinationCheck {
    private static final int MAX_CACHE = 10_000;
    private static final Duration CACHE_TTL = Duration.ofHours(1);

    private final DnsResolver dns;
    private final PublicSuffixList psl;
    private final Clock clock;
    private final Map<String, Cached> cache = new LinkedHashMap<>(256, 0.75f, true);

    private record Cached(DnsAnswer answer, Instant at) {
    }

    DestinationCheck(DnsResolver dns, PublicSuffixList psl, Clock clock) {
        this.dns = Objects.requireNonNull(dns, "dns");
        this.psl = Objects.requireNonNull(psl, "psl");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The fate of each URI, in record order; {@code failure} selects the {@code ruf} override tag. */
    List<Destination> check(DomainName policyDomain, List<DmarcRecord.ReportUri> uris, boolean failure) {
        List<Destination> out = new ArrayList<>();
        for (DmarcRecord.ReportUri u : uris) {
            out.addAll(check(policyDomain, u, failure));
        }
        return out;
    }

    private List<Destination> check(DomainName policyDomain, DmarcRecord.ReportUri u, boolean failure) {
        if (!u.scheme().equals("mailto")) {
            return List.of(new Destination.Refused(u.uri(), "only mailto: destinations are supported, not "
                    + u.scheme() + ":"));
        }
        Optional<String> address = u.mailbox().map(DestinationCheck::percentDecode);
        Optional<DomainName> host = address.flatMap(ReportingConfig::domainOf);
        if (address.isEmpty() || host.isEmpty()) {
            return List.of(new Destination.Refused(u.uri(), "not a usable mailto: address"));
        }
        if (sameOrganisation(policyDomain, host.get())) {
            return List.of(new Destination.Mailbox(u.uri(), address.get(), u.maxBytes()));
        }
        Optional<DomainName> name = DomainName.parse(policyDomain.name() + "._report._dmarc." + host.get().name());
        if (name.isEmpty()) {
            return List.of(new Destination.Refused(u.uri(), "external destination " + host.get()
                    + ": the authorisation name is longer than DNS allows, so it cannot be authorised"));
        }
        DnsAnswer a = lookup(name.get());
        String tag = failure ? "ruf" : "rua";
        switch (a) {
            case DnsAnswer.TempFailure t -> {
                return List.of(new Destination.Deferred(u.uri(), "could not check " + name.get() + " TXT: "
                        + t.reason()));
            }
            case DnsAnswer.NxDomain n -> {
                return List.of(refusedExternal(u, name.get(), host.get()));
            }
            case DnsAnswer.NoData n -> {
                return List.of(refusedExternal(u, name.get(), host.get()));
            }
            case DnsAnswer.Records r -> {
                List<DmarcRecord.ReportUri> overrides = List.of();
                boolean authorised = false;
                for (DnsRecord.Txt txt : r.of(DnsRecord.Txt.class)) {
                    if (DmarcRecordParser.parse(txt.text().strip()) instanceof DmarcParseResult.Valid v) {
                        authorised = true;
                        List<DmarcRecord.ReportUri> o = failure ? v.record().ruf() : v.record().rua();
                        if (overrides.isEmpty()) {
                            overrides = o;
                        }
                    }
                }
                if (!authorised) {
                    return List.of(refusedExternal(u, name.get(), host.get()));
                }
                if (overrides.isEmpty()) {
                    return List.of(new Destination.Mailbox(u.uri(), address.get(), u.maxBytes()));
                }
                List<Destination> out = new ArrayList<>();
                for (DmarcRecord.ReportUri o : overrides) {
                    Optional<String> oa = o.mailbox().map(DestinationCheck::percentDecode);
                    Optional<DomainName> oh = oa.flatMap(ReportingConfig::domainOf);
                    if (oh.isEmpty() || !oh.get().equals(host.get())) {
                        return List.of(new Destination.Refused(u.uri(), "the authorisation record at " + name.get()
                                + " redirects to '" + o.uri() + "', which is not on " + host.get()
                                + "; RFC 9990 forbids using either"));
                    }
                    out.add(new Destination.Mailbox(u.uri(), oa.get(),
                            o.maxBytes().isPresent() ? o.maxBytes() : u.maxBytes()));
                }
                return out;
            }
        }
    }

    private static Destination refusedExternal(DmarcRecord.ReportUri u, DomainName name, DomainName host) {
        return new Destination.Refused(u.uri(), "external destination " + host + " has not authorised reports ("
                + "no TXT record starting v=DMARC1 at " + name + ")");
    }

    private DnsAnswer lookup(DomainName name) {
        String key = name.name();
        Instant now = clock.instant();
        synchronized (cache) {
            Cached c = cache.get(key);
            if (c != null && c.at().plus(CACHE_TTL).isAfter(now)) {
                return c.answer();
            }
        }
        DnsAnswer a = dns.lookup(name, DnsType.TXT);
        if (!(a instanceof DnsAnswer.TempFailure)) {
            synchronized (cache) {
                cache.put(key, new Cached(a, now));
                if (cache.size() > MAX_CACHE) {
                    cache.remove(cache.keySet().iterator().next());
                }
            }
        }
        return a;
    }

    private boolean sameOrganisation(DomainName a, DomainName b) {
        if (a.equals(b) || a.isSubdomainOf(b) || b.isSubdomainOf(a)) {
            return true;
        }
        Optional<DomainName> oa = psl.registrableDomain(a);
        Optional<DomainName> ob = psl.registrableDomain(b);
        return oa.isPresent() && oa.equals(ob);
    }

    static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && Character.digit(s.charAt(i + 1), 16) >= 0
                    && Character.digit(s.charAt(i + 2), 16) >= 0) {
                out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
