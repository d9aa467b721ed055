package dev.aligned.dmarc;

import static dev.aligned.dmarc.DmarcFixtures.d;
import static dev.aligned.dmarc.DmarcFixtures.queries;
import static dev.aligned.dmarc.DmarcFixtures.zone;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.dns.DomainName;
import dev.aligned.dns.FixtureResolver;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class TreeWalkTest {

    private static List<String> names(List<DomainName> l) {
        return l.stream().map(n -> "_dmarc." + n).toList();
    }

    @Test
    void longNameJumpsToSevenLabelsAsInSection410() {
        assertEquals(List.of(
                "_dmarc.a.b.c.d.e.f.g.h.i.j.mail.example.com",
                "_dmarc.g.h.i.j.mail.example.com",
                "_dmarc.h.i.j.mail.example.com",
                "_dmarc.i.j.mail.example.com",
                "_dmarc.j.mail.example.com",
                "_dmarc.mail.example.com",
                "_dmarc.example.com",
                "_dmarc.com"), names(TreeWalk.targets(d("a.b.c.d.e.f.g.h.i.j.mail.example.com"))));
    }

    @Test
    void zoneCutBeyondEightLabelsIsNeverQueriedAsInSection518() {
        assertEquals(List.of(
                "_dmarc.mail.a.b.c.d.e.f.g.example.com",
                "_dmarc.c.d.e.f.g.example.com",
                "_dmarc.d.e.f.g.example.com",
                "_dmarc.e.f.g.example.com",
                "_dmarc.f.g.example.com",
                "_dmarc.g.example.com",
                "_dmarc.example.com",
                "_dmarc.com"), names(TreeWalk.targets(d("mail.a.b.c.d.e.f.g.example.com"))));
    }

    @Property
    void neverMoreThanEightQueries(@ForAll @IntRange(min = 1, max = 40) int labels) {
        String name = String.join(".", java.util.Collections.nCopies(labels, "x"));
        List<DomainName> t = TreeWalk.targets(d(name));
        assertTrue(t.size() <= 8, t.size() + " targets for " + labels + " labels");
        assertEquals(Math.min(labels, 8), t.size());
        assertEquals(1, t.get(t.size() - 1).labelCount());
    }

    private static DomainName org(FixtureResolver dns, String start) {
        TreeWalk.Walk w = TreeWalk.walk(new DmarcLookup(dns, DmarcLimits.DEFAULT), d(start));
        assertTrue(w.failure().isEmpty());
        return TreeWalk.organizationalDomain(w);
    }

    @Test
    void section4102FewestLabelsWins() {
        FixtureResolver dns = zone("mail.example.com", "v=DMARC1; p=none", "example.com", "v=DMARC1; p=reject").build();
        assertEquals(d("example.com"), org(dns, "a.mail.example.com"));
        assertEquals(List.of("TXT _dmarc.a.mail.example.com", "TXT _dmarc.mail.example.com", "TXT _dmarc.example.com",
                "TXT _dmarc.com"), queries(dns));
    }

    @Test
    void section4102PsdNoStopsTheWalk() {
        FixtureResolver dns = zone("mail.example.com", "v=DMARC1; p=none; psd=n",
                "example.com", "v=DMARC1; p=reject").build();
        assertEquals(d("mail.example.com"), org(dns, "a.mail.example.com"));
        assertEquals(List.of("TXT _dmarc.a.mail.example.com", "TXT _dmarc.mail.example.com"), queries(dns));
    }

    @Test
    void section4102PsdYesMakesTheNameBelowTheOrganizationalDomain() {
        FixtureResolver dns = zone("com", "v=DMARC1; p=reject; psd=y").build();
        assertEquals(d("example.com"), org(dns, "a.mail.example.com"));
    }

    @Test
    void psdYesAtTheStartDoesNotPointBelowIt() {
        FixtureResolver dns = zone("bank.example", "v=DMARC1; p=reject; psd=y").build();
        assertEquals(d("bank.example"), org(dns, "bank.example"));
        assertEquals(List.of("TXT _dmarc.bank.example"), queries(dns));
    }

    @Test
    void noRecordsAnywhereMakesTheStartItsOwnOrganizationalDomain() {
        FixtureResolver dns = FixtureResolver.builder().build();
        assertEquals(d("a.b.example"), org(dns, "a.b.example"));
    }

    @Test
    void multipleRecordsAtOneNameAreDiscardedAndTheWalkGoesOn() {
        FixtureResolver dns = zone("mail.example.com", "v=DMARC1; p=none; psd=n",
                "mail.example.com", "v=DMARC1; p=reject; psd=n",
                "example.com", "v=DMARC1; p=reject").build();
        assertEquals(d("example.com"), org(dns, "a.mail.example.com"));
    }

    @Test
    void nonDmarcTxtRecordsAreIgnored() {
        FixtureResolver dns = zone("mail.example.com", "v=spf1 -all", "mail.example.com", "v=DMARC1; p=none; psd=n")
                .build();
        assertEquals(d("mail.example.com"), org(dns, "x.mail.example.com"));
    }

    @Test
    void timeoutStopsTheWalkAtOnce() {
        FixtureResolver dns = zone("example.com", "v=DMARC1; p=reject").timeout("_dmarc.mail.example.com").build();
        TreeWalk.Walk w = TreeWalk.walk(new DmarcLookup(dns, DmarcLimits.DEFAULT), d("a.mail.example.com"));
        assertTrue(w.failure().isPresent());
        assertEquals(List.of("TXT _dmarc.a.mail.example.com", "TXT _dmarc.mail.example.com"), queries(dns));
    }
}
