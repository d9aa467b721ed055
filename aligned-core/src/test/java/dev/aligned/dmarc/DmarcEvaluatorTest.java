package dev.aligned.dmarc;

import static dev.aligned.dmarc.AuthResult.FAIL;
import static dev.aligned.dmarc.AuthResult.PASS;
import static dev.aligned.dmarc.AuthResult.SOFTFAIL;
import static dev.aligned.dmarc.DmarcFixtures.d;
import static dev.aligned.dmarc.DmarcFixtures.fixed;
import static dev.aligned.dmarc.DmarcFixtures.input;
import static dev.aligned.dmarc.DmarcFixtures.queries;
import static dev.aligned.dmarc.DmarcFixtures.zone;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.dmarc.DmarcRecord.Policy;
import dev.aligned.dmarc.IdentifierCheck.Status;
import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.DomainName;
import dev.aligned.dns.FixtureResolver;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class DmarcEvaluatorTest {

    private static DmarcEvaluation eval(FixtureResolver dns, DmarcInput in) {
        return DmarcEvaluator.builder(dns).build().evaluate(in);
    }

    private static Status status(DmarcEvaluation e, IdentifierCheck.Mechanism m, String domain) {
        return e.checks().stream().filter(c -> c.mechanism() == m && c.domain().equals(d(domain)))
                .findFirst().orElseThrow(() -> new AssertionError("no check for " + domain + " in " + e.checks()))
                .status();
    }

    // ---- RFC 9989 Appendix B.3.1 and B.4 ----

    @Test
    void appendixB31SmtpSessionExamplePasses() {
        FixtureResolver dns = zone("example.com", "v=DMARC1; p=reject; aspf=r; rua=mailto:dmarc-feedback@example.com")
                .build();
        DmarcEvaluation e = eval(dns, input("example.com", "mail.example.com", PASS, "example.com", PASS));
        assertInstanceOf(DmarcResult.Pass.class, e.result());
        assertTrue(e.spfAligned());
        assertTrue(e.dkimAligned());
        assertEquals(Disposition.NONE, e.disposition());
        assertEquals(Optional.of(Policy.REJECT), e.policy());
    }

    @Test
    void appendixB41SimpleOrganizationalAndPolicyExample() {
        FixtureResolver dns = zone("example.com", "v=DMARC1; p=reject", "signing.example.com", "v=DMARC1; p=none")
                .build();
        DmarcEvaluation e = eval(dns, input("example.com", "example.com", PASS, "signing.example.com", PASS));
        assertInstanceOf(DmarcResult.Pass.class, e.result());
        assertTrue(e.spfAligned());
        assertEquals(Status.ALIGNED, status(e, IdentifierCheck.Mechanism.DKIM, "signing.example.com"));
        assertEquals(Optional.of(d("example.com")), e.organizationalDomain());
        assertEquals(Optional.of(d("example.com")), e.policyDomain());
        // "_dmarc.example.com" and "_dmarc.com" for the author domain, "_dmarc.signing.example.com" for DKIM;
        // every name asked once.
        assertEquals(List.of("TXT _dmarc.example.com", "TXT _dmarc.com", "TXT _dmarc.signing.example.com"),
                queries(dns));
    }

    @Test
    void appendixB42DeepTreeWalkExample() {
        FixtureResolver dns = zone("example.com", "v=DMARC1; p=reject", "signing.example.com", "v=DMARC1; p=none")
                .build();
        DmarcEvaluation e = eval(dns, input("a.b.c.d.e.f.g.h.i.j.k.example.com", "example.com", PASS,
                "signing.example.com", PASS));
        assertInstanceOf(DmarcResult.Pass.class, e.result());
        assertEquals(Optional.of(d("example.com")), e.policyDomain());
        assertEquals(Optional.of(d("example.com")), e.organizationalDomain());
        assertTrue(e.spfAligned());
        assertTrue(e.dkimAligned());
        assertEquals(List.of(
                "TXT _dmarc.a.b.c.d.e.f.g.h.i.j.k.example.com",
                "TXT _dmarc.g.h.i.j.k.example.com",
                "TXT _dmarc.h.i.j.k.example.com",
                "TXT _dmarc.i.j.k.example.com",
                "TXT _dmarc.j.k.example.com",
                "TXT _dmarc.k.example.com",
                "TXT _dmarc.example.com",
                "TXT _dmarc.com",
                "TXT _dmarc.signing.example.com"), queries(dns));
    }

    @Test
    void appendixB42FailureTakesTheSubdomainPolicyOfTheHighestRecord() {
        FixtureResolver dns = zone("example.com", "v=DMARC1; p=reject; sp=quarantine",
                "signing.example.com", "v=DMARC1; p=none").build();
        DmarcEvaluation e = eval(dns, input("a.b.c.d.e.f.g.h.i.j.k.example.com", "example.org", PASS));
        assertInstanceOf(DmarcResult.Fail.class, e.result());
        assertEquals(Optional.of(Policy.QUARANTINE), e.policy());
        assertEquals(Optional.of("sp"), e.policySource());
        assertEquals(Disposition.QUARANTINE, e.disposition());
    }

    private static FixtureResolver bankZone() {
        return zone("bank.example", "v=DMARC1; p=reject; psd=y",
                "giant.bank.example", "v=DMARC1; p=quarantine").build();
    }

    @Test
    void appendixB43PsdExampleSpfAlignsDkimDoesNot() {
        FixtureResolver dns = bankZone();
        DmarcEvaluation e = eval(dns, input("giant.bank.example", "mail.giant.bank.example", PASS,
                "mail.mega.bank.example", PASS));
        assertInstanceOf(DmarcResult.Pass.class, e.result());
        assertEquals(Optional.of(d("giant.bank.example")), e.organizationalDomain());
        assertEquals(Optional.of(d("giant.bank.example")), e.policyDomain());
        assertEquals(Status.ALIGNED, status(e, IdentifierCheck.Mechanism.SPF, "mail.giant.bank.example"));
        IdentifierCheck dkim = e.checks().stream()
                .filter(c -> c.mechanism() == IdentifierCheck.Mechanism.DKIM).findFirst().orElseThrow();
        assertEquals(Status.NOT_ALIGNED, dkim.status());
        assertEquals(Optional.of(d("mega.bank.example")), dkim.organizationalDomain());
        assertEquals("relaxed alignment: the organizational domain of mail.mega.bank.example is mega.bank.example, "
                + "not giant.bank.example", dkim.detail());
    }

    @Test
    void appendixB43PsdExampleFailsWhenOnlyTheUnalignedSignaturePasses() {
        DmarcEvaluation e = eval(bankZone(), input("giant.bank.example", "mail.giant.bank.example", FAIL,
                "mail.mega.bank.example", PASS));
        assertInstanceOf(DmarcResult.Fail.class, e.result());
        assertEquals(Optional.of(Policy.QUARANTINE), e.policy());
        assertEquals(Disposition.QUARANTINE, e.disposition());
    }

    @Test
    void psdPolicyAppliesWhenTheOrganizationalDomainPublishesNothing() {
        FixtureResolver dns = zone("bank.example", "v=DMARC1; p=none; sp=reject; psd=y").build();
        DmarcEvaluation e = eval(dns, input("www.tiny.bank.example", null, null));
        assertInstanceOf(DmarcResult.Fail.class, e.result());
        assertEquals(Optional.of(d("bank.example")), e.policyDomain());
        assertEquals(Optional.of(d("tiny.bank.example")), e.organizationalDomain());
        assertEquals(Optional.of(Policy.REJECT), e.policy());
        assertEquals(Disposition.REJECT, e.disposition());
    }

    // ---- discovery outcomes ----

    @Test
    void noRecordAnywhereGivesNone() {
        FixtureResolver dns = FixtureResolver.builder().build();
        DmarcEvaluation e = eval(dns, input("mail.example.com", "mail.example.com", PASS));
        assertEquals(new DmarcResult.None("no DMARC policy record for mail.example.com or any parent (queried 3 names)"),
                e.result());
        assertEquals(Disposition.NONE, e.disposition());
        assertEquals(List.of("TXT _dmarc.mail.example.com", "TXT _dmarc.example.com", "TXT _dmarc.com"), queries(dns));
    }

    /** A time-out at each step of the walk gives temperror and ends the walk there. */
    @TestFactory
    Stream<DynamicTest> timeoutAtEachStepOfTheWalkIsTemperror() {
        String author = "a.b.c.d.e.f.g.h.i.j.k.example.com";
        List<DomainName> targets = TreeWalk.targets(d(author));
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            int step = i;
            DomainName slow = targets.get(i);
            tests.add(DynamicTest.dynamicTest("time-out at step " + (i + 1) + " (_dmarc." + slow + ")", () -> {
                FixtureResolver dns = zone("example.com", "v=DMARC1; p=reject")
                        .timeout(d("_dmarc." + slow)).build();
                DmarcEvaluation e = eval(dns, input(author, "example.com", PASS, "example.com", PASS));
                // Even at step 7 (_dmarc.example.com, the only record) or 8 (_dmarc.com, above it) the walk's
                // answer is undetermined, and both identifiers would align: still temperror, never pass.
                DmarcResult.TempError t = assertInstanceOf(DmarcResult.TempError.class, e.result(),
                        e.reasons().toString());
                assertTrue(t.reason().contains("_dmarc." + slow), t.reason());
                assertEquals(Disposition.NONE, e.disposition());
                assertEquals(step + 1, dns.queries().size(), "the walk stops at the failed query");
            }));
        }
        return tests.stream();
    }

    @Test
    void timeoutAtTheAuthorDomainIsTemperrorEvenWhenEverythingPasses() {
        FixtureResolver dns = zone("example.com", "v=DMARC1; p=reject").timeout("_dmarc.example.com").build();
        DmarcEvaluation e = eval(dns, input("example.com", "example.com", PASS, "example.com", PASS));
        assertInstanceOf(DmarcResult.TempError.class, e.result());
    }

    @Test
    void timeoutWhileFindingAnIdentifiersOrganizationalDomainIsTemperrorWhenNothingElseAligns() {
        FixtureResolver dns = zone("example.com", "v=DMARC1; p=reject")
                .timeout("_dmarc.mail.example.com").build();
        DmarcEvaluation e = eval(dns, input("example.com", "bounce.example.net", PASS, "mail.example.com", PASS));
        DmarcResult.TempError t = assertInstanceOf(DmarcResult.TempError.class, e.result());
        assertTrue(t.reason().startsWith("alignment of dkim identifier mail.example.com could not be decided"),
                t.reason());
        assertEquals(Status.UNKNOWN, status(e, IdentifierCheck.Mechanism.DKIM, "mail.example.com"));
    }

    @Test
    void timeoutInOneWalkDoesNotSpoilAnIdenticalAlignedIdentifier() {
        FixtureResolver dns = zone("example.com", "v=DMARC1; p=reject")
                .timeout("_dmarc.mail.example.com").build();
        DmarcEvaluation e = eval(dns, input("example.com", "example.com", PASS, "mail.example.com", PASS));
        assertInstanceOf(DmarcResult.Pass.class, e.result());
    }

    @Test
    void timeoutAtTheTopOfTheAuthorsWalkIsTemperrorForRelaxedAlignment() {
        // The record at the author domain is found, but _dmarc.com (which could hold psd=... or a record
        // that changes the organizational domain) times out.
        FixtureResolver dns = zone("example.com", "v=DMARC1; p=reject").timeout("_dmarc.com").build();
        DmarcEvaluation e = eval(dns, input("example.com", "mail.example.com", PASS));
        assertInstanceOf(DmarcResult.TempError.class, e.result());
    }

    // ---- the record's policy rules ----

    @Test
    void recordWithoutPolicyButWithRuaActsAsPolicyNone() {
        FixtureResolver dns = zone("example.com", "v=DMARC1; rua=mailto:d@example.com").build();
        DmarcEvaluation e = eval(dns, input("example.com", "other.example", PASS));
        assertInstanceOf(DmarcResult.Fail.class, e.result());
        assertEquals(Optional.of(Policy.NONE), e.policy());
        assertEquals(Optional.of("p-fallback"), e.policySource());
        assertEquals(Disposition.NONE, e.disposition());
        assertTrue(e.reasons().contains("the record has no p= but a valid rua=, so it acts as p=none "
                + "(RFC 9989 section 4.10.1)"));
    }

    @Test
    void recordWithoutPolicyOrRuaMeansNoDmarcProcessing() {
        FixtureResolver dns = zone("example.com", "v=DMARC1; adkim=s").build();
        DmarcEvaluation e = eval(dns, input("example.com", "other.example", PASS));
        assertEquals(new DmarcResult.None("the record at _dmarc.example.com has no p= and no valid rua=, so no DMARC "
                + "processing applies (RFC 9989 section 4.10.1)"), e.result());
    }

    @Test
    void invalidPolicyWithoutRuaIsPermerror() {
        FixtureResolver dns = zone("example.com", "v=DMARC1; p=rejectt").build();
        DmarcEvaluation e = eval(dns, input("example.com", "other.example", PASS));
        assertEquals(new DmarcResult.PermError("the record at _dmarc.example.com has an invalid p= and no valid rua=, "
                + "so it cannot be applied (RFC 9989 section 4.10.1); fix the record"), e.result());
    }

    @Test
    void repeatedPolicyTagIsAnInvalidPolicyNotTheFirstValue() {
        // regression: "p=none; p=reject" was read as p=none (found by the mailauth/Mail::DMARC cross-check)
        FixtureResolver dns = zone("example.com", "v=DMARC1; p=none; p=reject",
                "q.example", "v=DMARC1; p=reject; p=none; rua=mailto:d@q.example").build();
        DmarcEvaluation e = eval(dns, input("example.com", "other.example", PASS));
        assertEquals(new DmarcResult.PermError("the record at _dmarc.example.com has an invalid p= and no valid rua=, "
                + "so it cannot be applied (RFC 9989 section 4.10.1); fix the record"), e.result());
        DmarcEvaluation withRua = eval(dns, input("q.example", null, null));
        assertInstanceOf(DmarcResult.Fail.class, withRua.result());
        assertEquals(Optional.of(Policy.NONE), withRua.policy());
        assertEquals(Disposition.NONE, withRua.disposition());
    }

    @Test
    void invalidSubdomainPolicyWithRuaFallsBackToNone() {
        FixtureResolver dns = zone("example.com", "v=DMARC1; p=reject; sp=bogus; rua=mailto:d@example.com").build();
        DmarcEvaluation e = eval(dns, input("example.com", null, null));
        assertInstanceOf(DmarcResult.Fail.class, e.result());
        assertEquals(Disposition.NONE, e.disposition());
    }

    @Test
    void testingFlagLowersTheDispositionOneLevel() {
        FixtureResolver dns = zone("example.com", "v=DMARC1; p=reject; t=y",
                "q.example", "v=DMARC1; p=quarantine; t=y").build();
        DmarcEvaluation reject = eval(dns, input("example.com", null, null));
        assertEquals(Disposition.QUARANTINE, reject.disposition());
        assertTrue(reject.testing());
        assertEquals(Optional.of(Policy.REJECT), reject.policy());
        DmarcEvaluation quarantine = eval(dns, input("q.example", null, null));
        assertEquals(Disposition.NONE, quarantine.disposition());
        assertTrue(quarantine.testing());
    }

    @Test
    void testingFlagHasNoEffectOnPolicyNone() {
        FixtureResolver dns = zone("example.com", "v=DMARC1; p=none; t=y").build();
        DmarcEvaluation e = eval(dns, input("example.com", null, null));
        assertEquals(Disposition.NONE, e.disposition());
        assertFalse(e.testing(), "RFC 9989 4.7: t has no effect on a policy that is none");
    }

    @Test
    void testingFlagDoesNotChangeAPass() {
        FixtureResolver dns = zone("example.com", "v=DMARC1; p=reject; t=y").build();
        DmarcEvaluation e = eval(dns, input("example.com", "example.com", PASS));
        assertInstanceOf(DmarcResult.Pass.class, e.result());
        assertFalse(e.testing());
    }

    @Test
    void pctIsIgnoredInRfc9989Mode() {
        FixtureResolver dns = zone("example.com", "v=DMARC1; p=reject; pct=0").build();
        DmarcEvaluation e = DmarcEvaluator.builder(dns).random(fixed(99)).build().evaluate(input("example.com", null, null));
        assertEquals(Disposition.REJECT, e.disposition());
    }

    // ---- sp and np ----

    private static FixtureResolver spNpZone() {
        return zone("example.com", "v=DMARC1; p=none; sp=quarantine; np=reject")
                .add("www.example.com", DnsRecord.Txt.of("exists")).build();
    }

    @Test
    void nonExistentSubdomainGetsNp() {
        FixtureResolver dns = spNpZone();
        DmarcEvaluation e = eval(dns, input("nope.example.com", null, null));
        assertEquals(Optional.of(Policy.REJECT), e.policy());
        assertEquals(Optional.of("np"), e.policySource());
        assertEquals(Disposition.REJECT, e.disposition());
        assertTrue(queries(dns).contains("A nope.example.com"));
    }

    @Test
    void existingSubdomainGetsSp() {
        DmarcEvaluation e = eval(spNpZone(), input("www.example.com", null, null));
        assertEquals(Optional.of(Policy.QUARANTINE), e.policy());
        assertEquals(Optional.of("sp"), e.policySource());
    }

    @Test
    void organizationalDomainItselfGetsP() {
        DmarcEvaluation e = eval(spNpZone(), input("example.com", null, null));
        assertEquals(Optional.of(Policy.NONE), e.policy());
        assertEquals(Optional.of("p"), e.policySource());
    }

    @Test
    void existenceCheckTimeoutIsTemperrorNotAGuess() {
        FixtureResolver dns = zone("example.com", "v=DMARC1; p=none; np=reject").timeout("nope.example.com").build();
        DmarcEvaluation e = eval(dns, input("nope.example.com", null, null));
        assertInstanceOf(DmarcResult.TempError.class, e.result());
    }

    @Test
    void npIsIgnoredInRfc7489Mode() {
        DmarcEvaluation e = DmarcEvaluator.builder(spNpZone()).mode(DmarcMode.RFC7489).build()
                .evaluate(input("nope.example.com", null, null));
        assertEquals(Optional.of(Policy.QUARANTINE), e.policy());
    }

    // ---- alignment details ----

    @Test
    void strictAlignmentNeedsIdenticalDomainsAndMakesNoWalk() {
        FixtureResolver dns = zone("example.com", "v=DMARC1; p=reject; aspf=s; adkim=s").build();
        DmarcEvaluation e = eval(dns, input("example.com", "mail.example.com", PASS, "mail.example.com", PASS));
        assertInstanceOf(DmarcResult.Fail.class, e.result());
        assertEquals(List.of("TXT _dmarc.example.com"), queries(dns));
        assertEquals("strict alignment (aspf=s) needs mail.example.com to equal example.com",
                e.checks().get(0).detail());
    }

    @Test
    void organizationalDomainCanBeFoundEvenWhenNotNeeded() {
        FixtureResolver dns = zone("mail.example.com", "v=DMARC1; p=reject", "example.com", "v=DMARC1; p=none").build();
        DmarcEvaluation lazy = eval(dns, input("mail.example.com", "mail.example.com", PASS));
        assertEquals(Optional.empty(), lazy.organizationalDomain());
        assertEquals(List.of("TXT _dmarc.mail.example.com"), queries(dns));
        DmarcEvaluation eager = DmarcEvaluator.builder(dns).alwaysFindOrganizationalDomain(true).build()
                .evaluate(input("mail.example.com", "mail.example.com", PASS));
        assertEquals(Optional.of(d("example.com")), eager.organizationalDomain());
    }

    @Test
    void heloIdentityNeverAligns() {
        FixtureResolver dns = zone("example.com", "v=DMARC1; p=reject").build();
        DmarcEvaluation e = eval(dns, DmarcInput.of(d("example.com"))
                .withSpf(new SpfOutcome(d("example.com"), PASS, SpfOutcome.Identity.HELO)));
        assertInstanceOf(DmarcResult.Fail.class, e.result());
        assertEquals(Status.HELO_IDENTITY, e.checks().get(0).status());
    }

    @Test
    void onlyPassingResultsAuthenticate() {
        FixtureResolver dns = zone("example.com", "v=DMARC1; p=reject").build();
        DmarcEvaluation e = eval(dns, input("example.com", "example.com", SOFTFAIL, "example.com", FAIL));
        assertInstanceOf(DmarcResult.Fail.class, e.result());
        assertTrue(e.checks().stream().allMatch(c -> c.status() == Status.NOT_AUTHENTICATED));
        assertTrue(e.reasons().contains("fail: no SPF or DKIM pass to align with example.com"));
    }

    @Test
    void unrelatedDomainsAreNotAlignedWithoutAnyWalk() {
        FixtureResolver dns = zone("example.com", "v=DMARC1; p=reject").build();
        DmarcEvaluation e = eval(dns, input("example.com", "example.net", PASS));
        assertEquals(Status.NOT_ALIGNED, e.checks().get(0).status());
        assertEquals(List.of("TXT _dmarc.example.com"), queries(dns));
    }

    @Test
    void tooManyDkimDomainsAreCappedAndSaySo() {
        FixtureResolver dns = zone("example.com", "v=DMARC1; p=reject").build();
        DmarcInput in = DmarcInput.of(d("example.com"));
        for (int i = 0; i < 15; i++) {
            in = in.withDkim(DkimOutcome.of(d("s" + i + ".other.example.com"), PASS));
        }
        DmarcEvaluation e = DmarcEvaluator.builder(dns).limits(new DmarcLimits(8192, 20, 16, 3)).build().evaluate(in);
        assertEquals(12, e.checks().stream().filter(c -> c.status() == Status.NOT_CHECKED).count());
        assertInstanceOf(DmarcResult.Pass.class, e.result());
    }

    // ---- RFC 7489 mode ----

    @Test
    void rfc7489UsesThePublicSuffixListAndOneFallbackQuery() {
        FixtureResolver dns = zone("example.co.uk", "v=DMARC1; p=reject; sp=quarantine").build();
        DmarcEvaluation e = DmarcEvaluator.builder(dns).mode(DmarcMode.RFC7489).build()
                .evaluate(input("a.b.example.co.uk", "bounce.example.co.uk", FAIL, "x.example.co.uk", PASS));
        assertInstanceOf(DmarcResult.Pass.class, e.result());
        assertEquals(Optional.of(d("example.co.uk")), e.organizationalDomain());
        assertEquals(List.of("TXT _dmarc.a.b.example.co.uk", "TXT _dmarc.example.co.uk"), queries(dns));
    }

    @Test
    void rfc7489MultipleRecordsEndDiscovery() {
        FixtureResolver dns = zone("a.example.com", "v=DMARC1; p=reject", "a.example.com", "v=DMARC1; p=none",
                "example.com", "v=DMARC1; p=reject").build();
        DmarcEvaluation e = DmarcEvaluator.builder(dns).mode(DmarcMode.RFC7489).build()
                .evaluate(input("a.example.com", null, null));
        assertInstanceOf(DmarcResult.None.class, e.result());
        DmarcEvaluation bis = eval(dns, input("a.example.com", null, null));
        assertEquals(Optional.of(d("example.com")), bis.policyDomain(), "RFC 9989 discards both and walks on");
    }

    @Test
    void rfc7489PctSamplesWithTheInjectedRandomSource() {
        FixtureResolver dns = zone("example.com", "v=DMARC1; p=reject; pct=25").build();
        DmarcEvaluator sampled = DmarcEvaluator.builder(dns).mode(DmarcMode.RFC7489).random(fixed(24)).build();
        DmarcEvaluator notSampled = DmarcEvaluator.builder(dns).mode(DmarcMode.RFC7489).random(fixed(25)).build();
        DmarcEvaluation in = sampled.evaluate(input("example.com", null, null));
        DmarcEvaluation out = notSampled.evaluate(input("example.com", null, null));
        assertEquals(Disposition.REJECT, in.disposition());
        assertFalse(in.testing());
        assertEquals(Disposition.QUARANTINE, out.disposition());
        assertTrue(out.testing());
        assertTrue(out.reasons().contains("pct=25: this message was not sampled, so quarantine applies instead of "
                + "reject (RFC 7489 section 6.6.4)"));
    }

    @Test
    void rfc7489IgnoresTheTestingFlag() {
        FixtureResolver dns = zone("example.com", "v=DMARC1; p=reject; t=y").build();
        DmarcEvaluation e = DmarcEvaluator.builder(dns).mode(DmarcMode.RFC7489).build()
                .evaluate(input("example.com", null, null));
        assertEquals(Disposition.REJECT, e.disposition());
    }

    @Test
    void rfc7489TimeoutAtTheOrganizationalDomainIsTemperror() {
        FixtureResolver dns = FixtureResolver.builder().timeout("_dmarc.example.com").build();
        DmarcEvaluation e = DmarcEvaluator.builder(dns).mode(DmarcMode.RFC7489).build()
                .evaluate(input("mail.example.com", "mail.example.com", PASS));
        assertInstanceOf(DmarcResult.TempError.class, e.result());
    }

    @Test
    void hugeAndGarbageRecordsAreNotPolicies() {
        FixtureResolver dns = zone("example.com", "v=DMARC1; p=reject; " + "x".repeat(10_000),
                "mail.example.com", "\u0000\u0001garbage;;;==").build();
        DmarcEvaluation e = eval(dns, input("mail.example.com", null, null));
        assertInstanceOf(DmarcResult.None.class, e.result());
    }
}
