package dev.aligned.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.FixtureResolver;
import dev.aligned.dns.ZoneData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DomainCheckerTest {
    static final Instant NOW = Instant.parse("2026-11-28T07:00:00Z");
    static FixtureResolver dns;
    static DomainChecker checker;

    /** Which fixture domain shows which finding (every code appears at least once). */
    static final Map<FindingCode, String> SCENARIOS = new LinkedHashMap<>();

    static {
        SCENARIOS.put(FindingCode.DOMAIN_NOT_FOUND, "does-not-exist.example");
        SCENARIOS.put(FindingCode.DNS_TEMP_FAILURE, "slow.example");
        SCENARIOS.put(FindingCode.SPF_NONE, "nospf.example");
        SCENARIOS.put(FindingCode.SPF_MULTIPLE, "twospf.example");
        SCENARIOS.put(FindingCode.SPF_SYNTAX, "syntax.example");
        SCENARIOS.put(FindingCode.SPF_LOOKUP_LIMIT, "lookups.example");
        SCENARIOS.put(FindingCode.SPF_LOOKUP_NEAR_LIMIT, "near.example");
        SCENARIOS.put(FindingCode.SPF_VOID_LIMIT, "voids.example");
        SCENARIOS.put(FindingCode.SPF_VOID_LOOKUP, "onevoid.example");
        SCENARIOS.put(FindingCode.SPF_PASS_ALL, "passall.example");
        SCENARIOS.put(FindingCode.SPF_NEUTRAL_ALL, "neutral.example");
        SCENARIOS.put(FindingCode.SPF_NO_ALL, "noall.example");
        SCENARIOS.put(FindingCode.SPF_PTR, "ptr.example");
        SCENARIOS.put(FindingCode.SPF_RR_TYPE, "rrtype.example");
        SCENARIOS.put(FindingCode.SPF_STRING_TOO_LONG, "longstring.example");
        SCENARIOS.put(FindingCode.SPF_ANSWER_TOO_LARGE, "biganswer.example");
        SCENARIOS.put(FindingCode.SPF_INCLUDE_MISSING, "incmissing.example");
        SCENARIOS.put(FindingCode.SPF_INCLUDE_INVALID, "incinvalid.example");
        SCENARIOS.put(FindingCode.SPF_LOOP, "loop.example");
        SCENARIOS.put(FindingCode.SPF_OVERLAPPING_NETWORKS, "overlap.example");
        SCENARIOS.put(FindingCode.SPF_MACRO, "macro.example");
        SCENARIOS.put(FindingCode.DMARC_NONE, "nodmarc.example");
        SCENARIOS.put(FindingCode.DMARC_MULTIPLE, "twodmarc.example");
        SCENARIOS.put(FindingCode.DMARC_SYNTAX, "dmarcsyntax.example");
        SCENARIOS.put(FindingCode.DMARC_RECORD_WARNING, "dmarcwarn.example");
        SCENARIOS.put(FindingCode.DMARC_RFC7489_TAG, "pct.example");
        SCENARIOS.put(FindingCode.DMARC_POLICY_NONE, "pnone.example");
        SCENARIOS.put(FindingCode.DMARC_WEAKER_SUBDOMAIN_POLICY, "weaksp.example");
        SCENARIOS.put(FindingCode.DMARC_TESTING, "testing.example");
        SCENARIOS.put(FindingCode.DMARC_NO_RUA, "norua.example");
        SCENARIOS.put(FindingCode.DMARC_REPORT_URI, "badrua.example");
        SCENARIOS.put(FindingCode.DMARC_REPORT_UNAUTHORISED, "external.example");
        SCENARIOS.put(FindingCode.DMARC_INHERITED, "sub.inherit.example");
        SCENARIOS.put(FindingCode.DKIM_NONE_FOUND, "nodkim.example");
        SCENARIOS.put(FindingCode.DKIM_SELECTOR_MISSING, "selmissing.example");
        SCENARIOS.put(FindingCode.DKIM_MULTIPLE, "dkimtwo.example");
        SCENARIOS.put(FindingCode.DKIM_INVALID, "dkiminvalid.example");
        SCENARIOS.put(FindingCode.DKIM_KEY_UNREADABLE, "dkimunreadable.example");
        SCENARIOS.put(FindingCode.DKIM_UNKNOWN_KEY_TYPE, "dkimtype.example");
        SCENARIOS.put(FindingCode.DKIM_RSA_TOO_SHORT, "dkimshort.example");
        SCENARIOS.put(FindingCode.DKIM_RSA_WEAK, "dkimweak.example");
        SCENARIOS.put(FindingCode.DKIM_TESTING, "dkimtesting.example");
        SCENARIOS.put(FindingCode.DKIM_REVOKED, "dkimrevoked.example");
        SCENARIOS.put(FindingCode.DKIM_NOT_FOR_EMAIL, "dkimservice.example");
        SCENARIOS.put(FindingCode.DKIM_BAD_SPLIT, "dkimsplit.example");
        SCENARIOS.put(FindingCode.MX_NONE, "nomx.example");
        SCENARIOS.put(FindingCode.MX_NULL, "nullmx.example");
        SCENARIOS.put(FindingCode.BIMI_SYNTAX, "bimi.example");
        SCENARIOS.put(FindingCode.BIMI_NEEDS_ENFORCEMENT, "bimi.example");
        SCENARIOS.put(FindingCode.MTA_STS_SYNTAX, "mtasts.example");
        SCENARIOS.put(FindingCode.TLS_RPT_SYNTAX, "tlsrpt.example");
    }

    static String key(int bits) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(bits);
        return Base64.getEncoder().encodeToString(g.generateKeyPair().getPublic().getEncoded());
    }

    static FixtureResolver fixtures() throws Exception {
        String yml;
        try (InputStream in = DomainCheckerTest.class.getResourceAsStream("/record/problems.yml")) {
            yml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String k2048 = key(2048);
        return FixtureResolver.builder()
                .addAll(ZoneData.parse(yml, "problems.yml"))
                .add("google._domainkey.clean.example", txt("v=DKIM1; k=rsa; p=" + k2048))
                .add("default._domainkey.dkimshort.example", txt("v=DKIM1; k=rsa; p=" + key(512)))
                .add("default._domainkey.dkimweak.example", txt("v=DKIM1; k=rsa; p=" + key(1024)))
                .add("default._domainkey.dkimtesting.example", txt("v=DKIM1; k=rsa; t=y; p=" + k2048))
                .build();
    }

    /** A TXT record split into 255-byte strings, as it is published. */
    static DnsRecord.Txt txt(String text) {
        return DnsRecord.Txt.of(dev.aligned.dkim.DkimKeys.split(text).toArray(new String[0]));
    }

    @BeforeAll
    static void setUp() throws Exception {
        dns = fixtures();
        checker = DomainChecker.builder().resolver(dns).clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
    }

    static CheckReport.Checked check(String domain) {
        return assertInstanceOf(CheckReport.Checked.class, checker.check(domain));
    }

    static List<FindingCode> codes() {
        return List.of(FindingCode.values());
    }

    @ParameterizedTest
    @MethodSource("codes")
    void everyFindingCodeIsProducedByItsFixtureDomain(FindingCode code) {
        String domain = SCENARIOS.get(code);
        assertTrue(domain != null, "no scenario for " + code);
        CheckReport.Checked c = code == FindingCode.DKIM_SELECTOR_MISSING
                ? assertInstanceOf(CheckReport.Checked.class, DomainChecker.builder().resolver(dns)
                        .selectors(List.of("mail2026")).build().check(domain))
                : check(domain);
        assertTrue(c.has(code), domain + " should give " + code + ", gave " + c.findings());
        for (Finding f : c.findings(code)) {
            assertEquals(code.severity(), f.severity());
            assertFalse(f.message().isBlank());
        }
    }

    @Test
    void cleanDomainHasNoFindingsAndGradeA() {
        CheckReport.Checked c = check("clean.example");
        assertEquals(List.of(), c.findings());
        assertEquals(CheckReport.Grade.A, c.grade());
        assertEquals(NOW, c.checkedAt());
        assertEquals(2, c.spf().lookups() + 1, "one include and no other DNS terms: " + c.spf().tree());
        assertEquals(List.of("clean.example  \"v=spf1 ip4:192.0.2.0/24 include:_spf.clean.example -all\"  [1 lookup]",
                "  include:_spf.clean.example  [1 lookup]"), c.spf().tree());
        assertEquals("reject", c.dmarc().policy().orElseThrow());
        assertEquals("clean.example", c.dmarc().policyDomain().orElseThrow().name());
        assertEquals(1, c.dkim().size());
        assertEquals(2048, c.dkim().get(0).bits());
        assertEquals(List.of("10 mx.clean.example"), c.mx());
        assertTrue(c.nextStep().startsWith("Nothing to fix"), c.nextStep());
        assertTrue(c.rules().stream().filter(r -> !r.rule().contains("reverse DNS"))
                .allMatch(r -> r.status() == RuleCheck.Status.MET), c.rules().toString());
    }

    @Test
    void lookupLimitNamesTheCountAndTheCostliestTerms() {
        Finding f = check("lookups.example").findings(FindingCode.SPF_LOOKUP_LIMIT).get(0);
        assertTrue(f.message().startsWith("The SPF tree of lookups.example needs 11 DNS lookups; the limit is 10"),
                f.message());
        assertTrue(f.message().contains("include:l0.lookups.example costs 1"), f.message());
        assertTrue(f.fix().contains("aligned record spf --flatten"), f.fix());
    }

    @Test
    void voidLimitShowsThePathThatSpendsThem() {
        Finding f = check("voids.example").findings(FindingCode.SPF_VOID_LIMIT).get(0);
        assertTrue(f.message().contains("voids.example > a:nx1.voids.example (nx1.voids.example has no A or AAAA "
                + "records)"), f.message());
    }

    @Test
    void syntaxErrorGivesTheColumn() {
        Finding f = check("syntax.example").findings(FindingCode.SPF_SYNTAX).get(0);
        assertTrue(f.message().startsWith("SPF record, column 8: "), f.message());
    }

    @Test
    void loopIsReportedWithItsPath() {
        Finding f = check("loop.example").findings(FindingCode.SPF_LOOP).get(0);
        assertEquals("loop.example > include:inner.loop.example > include:loop.example leads back to loop.example, "
                + "which is already on the path; receivers return permerror.", f.message());
    }

    @Test
    void servicesAreRecognisedFromIncludes() {
        CheckReport.Checked c = check("services.example");
        assertEquals(List.of("Google Workspace", "SendGrid"), c.spf().services());
        assertEquals(3, c.spf().lookups());
    }

    @Test
    void externalReportAddressNeedsAuthorisationUnlessPublished() {
        List<Finding> f = check("external.example").findings(FindingCode.DMARC_REPORT_UNAUTHORISED);
        assertEquals(1, f.size(), f.toString());
        assertTrue(f.get(0).message().contains("external.example._report._dmarc.reports.example"), f.toString());
    }

    @Test
    void inheritedPolicyNamesWhereItComesFrom() {
        CheckReport.Checked c = check("sub.inherit.example");
        assertEquals("inherit.example", c.dmarc().policyDomain().orElseThrow().name());
        assertEquals("sp", c.dmarc().policySource().orElseThrow());
        assertEquals("quarantine", c.dmarc().policy().orElseThrow());
        assertTrue(c.findings(FindingCode.DMARC_INHERITED).get(0).message().contains("(sp=quarantine)"),
                c.findings().toString());
    }

    @Test
    void rsaKeySizesAreGraded() {
        assertEquals(512, check("dkimshort.example").dkim().get(0).bits());
        assertEquals(1024, check("dkimweak.example").dkim().get(0).bits());
    }

    @Test
    void providerRulesSayCannotTellWithoutSelectorsOrIps() {
        CheckReport.Checked c = check("nodkim.example");
        Set<String> cannot = c.rules().stream().filter(r -> r.status() == RuleCheck.Status.CANNOT_TELL)
                .map(r -> r.provider() + ": " + r.rule()).collect(Collectors.toSet());
        assertTrue(cannot.contains("Google: DKIM published"), cannot.toString());
        assertTrue(cannot.contains("Yahoo: Forward-confirmed reverse DNS for sending IPs"), cannot.toString());
        assertTrue(c.rules().stream().allMatch(r -> !r.source().isBlank()));
    }

    @Test
    void missingSpfAndDmarcGradeFAndTheNextStepIsTheFirstError() {
        CheckReport.Checked c = check("does-not-exist.example");
        assertEquals(CheckReport.Grade.F, c.grade());
        assertEquals(c.findings().get(0).fix(), c.nextStep());
    }

    @Test
    void monitoringOnlyPolicyGradesCAndSaysToTighten() {
        CheckReport.Checked c = check("pnone.example");
        assertEquals(CheckReport.Grade.C, c.grade());
        assertTrue(c.nextStep().contains("p=quarantine"), c.nextStep());
    }

    @Test
    void badInputIsNotCheckedAndSaysWhy() {
        CheckReport r = checker.check("not a domain");
        CheckReport.NotChecked n = assertInstanceOf(CheckReport.NotChecked.class, r);
        assertFalse(n.reason().isBlank());
        assertInstanceOf(CheckReport.NotChecked.class, checker.check("com"));
    }

    @Test
    void checkAllKeepsInputOrderUnderConcurrency() {
        List<String> domains = SCENARIOS.values().stream().distinct().toList();
        List<CheckReport> reports = DomainChecker.builder().resolver(dns).concurrency(4).build().checkAll(domains);
        assertEquals(domains, reports.stream().map(CheckReport::input).toList());
    }

    @Test
    void withoutPrefetchTheFindingsAreTheSame() {
        DomainChecker sequential = DomainChecker.builder().resolver(dns).clock(Clock.fixed(NOW, ZoneOffset.UTC))
                .prefetch(false).build();
        for (String domain : SCENARIOS.values().stream().distinct().toList()) {
            assertEquals(checker.check(domain), sequential.check(domain), domain);
        }
    }

    @Test
    void withoutCommonSelectorsDkimSaysNothingWasLookedUp() {
        CheckReport.Checked c = assertInstanceOf(CheckReport.Checked.class, DomainChecker.builder().resolver(dns)
                .commonSelectors(false).build().check("clean.example"));
        assertEquals("No DKIM selector was given or known from the services in SPF, so no key was looked up.",
                c.findings(FindingCode.DKIM_NONE_FOUND).get(0).message());
        assertEquals(List.of(), c.dkim());
    }

    @Test
    void everyCodeIsUniqueAndDotted() {
        Set<String> seen = new java.util.HashSet<>();
        for (FindingCode c : FindingCode.values()) {
            assertTrue(seen.add(c.code()), "duplicate " + c.code());
            assertTrue(c.code().matches("[a-z-]+\\.[a-z0-9-]+"), c.code());
            assertEquals(c, FindingCode.of(c.code()).orElseThrow());
        }
        assertEquals(EnumSet.allOf(FindingCode.class), EnumSet.copyOf(SCENARIOS.keySet()));
    }
}
