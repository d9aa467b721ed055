package dev.aligned.dmarc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.DomainName;
import dev.aligned.dns.FixtureResolver;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * A DNS time-out never turns into a different definite answer: with one name timing out, the result is either
 * temperror or exactly what it would have been without the time-out.
 */
class TimeoutSoundnessPropertyTest {

    private static final List<String> NAMES = List.of("com", "example.com", "a.example.com", "b.a.example.com",
            "c.b.a.example.com", "other.com", "x.other.com");
    private static final List<String> RECORDS = List.of("v=DMARC1; p=reject", "v=DMARC1; p=quarantine; psd=n",
            "v=DMARC1; p=none; psd=y", "v=DMARC1; p=reject; sp=none; np=quarantine", "v=DMARC1; p=reject; adkim=s",
            "v=DMARC1; rua=mailto:d@example.com");

    record Scenario(List<Integer> recordAt, String author, String spf, String dkim, String slow, boolean rfc7489) {
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        Arbitrary<List<Integer>> recs = Arbitraries.integers().between(-1, RECORDS.size() - 1)
                .list().ofSize(NAMES.size());
        Arbitrary<String> name = Arbitraries.of(NAMES);
        // a _dmarc name, or the name itself (its A query decides np)
        Arbitrary<String> slow = Arbitraries.oneOf(Arbitraries.of(NAMES).map(n -> "_dmarc." + n),
                Arbitraries.of(NAMES));
        return Combinators.combine(recs, name, name, name, slow, Arbitraries.of(true, false)).as(Scenario::new);
    }

    private static FixtureResolver.Builder zone(Scenario s) {
        FixtureResolver.Builder b = FixtureResolver.builder();
        for (int i = 0; i < NAMES.size(); i++) {
            if (s.recordAt().get(i) >= 0) {
                b.add("_dmarc." + NAMES.get(i), DnsRecord.Txt.of(RECORDS.get(s.recordAt().get(i))));
            }
        }
        b.add("b.a.example.com", DnsRecord.Txt.of("exists"));
        return b;
    }

    private static DmarcResult run(FixtureResolver dns, Scenario s) {
        DmarcInput in = DmarcInput.of(DomainName.of(s.author()))
                .withSpf(SpfOutcome.mailFrom(DomainName.of(s.spf()), AuthResult.PASS))
                .withDkim(DkimOutcome.of(DomainName.of(s.dkim()), AuthResult.PASS));
        return DmarcEvaluator.builder(dns).mode(s.rfc7489() ? DmarcMode.RFC7489 : DmarcMode.RFC9989)
                .random(DmarcFixtures.fixed(0)).build().evaluate(in).result();
    }

    @Property(tries = 400)
    void timeoutGivesTemperrorOrTheSameAnswer(@ForAll("scenarios") Scenario s) {
        DmarcResult clean = run(zone(s).build(), s);
        DmarcResult slow = run(zone(s).timeout(s.slow()).build(), s);
        if (!(slow instanceof DmarcResult.TempError)) {
            assertEquals(clean.keyword(), slow.keyword(), s.toString());
        }
    }
}
