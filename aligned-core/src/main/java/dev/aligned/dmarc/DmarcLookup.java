package dev.aligned.dmarc;

import dev.aligned.dns.DnsAnswer;
import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.DnsResolver;
import dev.aligned.dns.DnsType;
import dev.aligned.dns.DomainName;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * DMARC record lookups at {@code _dmarc.<domain>} for one evaluation, each name asked at most once (tree
 * walks for the author domain and the identifiers share their queries).
 */
final class DmarcLookup {

    /** What is published at one {@code _dmarc} name. */
    sealed interface Outcome {
        DomainName domain();
    }

    /** Exactly one DMARC record. */
    record Found(DomainName domain, DmarcRecord record, List<DmarcProblem> problems) implements Outcome {
    }

    /** No usable DMARC record: nothing there, no DMARC record among the TXT records, or several (discarded). */
    record Absent(DomainName domain, String why, int dmarcRecords) implements Outcome {
    }

    /** The query failed temporarily. */
    record Failed(DomainName domain, String why) implements Outcome {
    }

    private final DnsResolver dns;
    private final DmarcLimits limits;
    private final Map<DomainName, Outcome> cache = new HashMap<>();
    private final List<String> log = new ArrayList<>();

    DmarcLookup(DnsResolver dns, DmarcLimits limits) {
        this.dns = dns;
        this.limits = limits;
    }

    /** The queries made so far, as {@code "_dmarc.example.com: <outcome>"} lines. */
    List<String> log() {
        return List.copyOf(log);
    }

    synchronized Outcome at(DomainName domain) {
        Outcome cached = cache.get(domain);
        if (cached != null) {
            return cached;
        }
        Outcome o = query(domain);
        cache.put(domain, o);
        return o;
    }

    private Outcome query(DomainName domain) {
        Optional<DomainName> name = DomainName.parse(domain.isRoot() ? "_dmarc" : "_dmarc." + domain.name());
        if (name.isEmpty()) {
            log.add("_dmarc." + domain + ": not queried, the name would be too long");
            return new Absent(domain, "_dmarc." + domain + " would be longer than a domain name can be", 0);
        }
        DnsAnswer answer = dns.lookup(name.get(), DnsType.TXT);
        Outcome o = switch (answer) {
            case DnsAnswer.TempFailure f -> new Failed(domain, "DNS query for " + name.get() + " TXT failed: "
                    + f.reason());
            case DnsAnswer.NxDomain n -> new Absent(domain, name.get() + " does not exist", 0);
            case DnsAnswer.NoData n -> new Absent(domain, name.get() + " has no TXT record", 0);
            case DnsAnswer.Records r -> fromRecords(domain, name.get(), r.of(DnsRecord.Txt.class));
        };
        log.add(name.get() + ": " + describe(o));
        return o;
    }

    private Outcome fromRecords(DomainName domain, DomainName name, List<DnsRecord.Txt> txts) {
        List<DmarcParseResult.Valid> dmarc = new ArrayList<>();
        for (DnsRecord.Txt t : txts) {
            if (DmarcRecordParser.parse(t.text(), limits) instanceof DmarcParseResult.Valid v) {
                dmarc.add(v);
            }
        }
        if (dmarc.isEmpty()) {
            return new Absent(domain, name + " has " + txts.size() + " TXT record" + (txts.size() == 1 ? "" : "s")
                    + " but none starts with v=DMARC1", 0);
        }
        if (dmarc.size() > 1) {
            return new Absent(domain, name + " has " + dmarc.size() + " DMARC records; all are discarded "
                    + "(publish exactly one)", dmarc.size());
        }
        return new Found(domain, dmarc.get(0).record(), dmarc.get(0).problems());
    }

    static String describe(Outcome o) {
        return switch (o) {
            case Found f -> "\"" + f.record().text() + "\"";
            case Absent a -> a.why();
            case Failed f -> f.why();
        };
    }
}
