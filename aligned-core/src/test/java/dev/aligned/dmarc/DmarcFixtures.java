package dev.aligned.dmarc;

import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.DomainName;
import dev.aligned.dns.FixtureResolver;
import java.util.List;
import java.util.random.RandomGenerator;

/** Small helpers shared by the DMARC tests. */
final class DmarcFixtures {
    private DmarcFixtures() {
    }

    static DomainName d(String name) {
        return DomainName.of(name);
    }

    /** A fixture with {@code _dmarc.<domain>} TXT records given as domain, text, domain, text, ... */
    static FixtureResolver.Builder zone(String... domainAndText) {
        FixtureResolver.Builder b = FixtureResolver.builder();
        for (int i = 0; i < domainAndText.length; i += 2) {
            b.add("_dmarc." + domainAndText[i], DnsRecord.Txt.of(domainAndText[i + 1]));
        }
        return b;
    }

    static List<String> queries(FixtureResolver dns) {
        return dns.queries().stream().map(FixtureResolver.Query::toString).toList();
    }

    static DmarcInput input(String author, String spfDomain, AuthResult spf, Object... dkimDomainAndResult) {
        DmarcInput in = DmarcInput.of(d(author));
        if (spfDomain != null) {
            in = in.withSpf(SpfOutcome.mailFrom(d(spfDomain), spf));
        }
        for (int i = 0; i < dkimDomainAndResult.length; i += 2) {
            in = in.withDkim(DkimOutcome.of(d((String) dkimDomainAndResult[i]), (AuthResult) dkimDomainAndResult[i + 1]));
        }
        return in;
    }

    /** A random source whose nextInt(bound) always returns {@code value}. */
    static RandomGenerator fixed(int value) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                throw new UnsupportedOperationException("only nextInt(bound) is expected");
            }

            @Override
            public int nextInt(int bound) {
                return value;
            }
        };
    }
}
