package dev.aligned.dmarc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.dmarc.DmarcProblem.Severity;
import dev.aligned.dmarc.DmarcRecord.AlignmentMode;
import dev.aligned.dmarc.DmarcRecord.FailureOption;
import dev.aligned.dmarc.DmarcRecord.Policy;
import dev.aligned.dmarc.DmarcRecord.Psd;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class DmarcRecordParserTest {

    private static DmarcParseResult.Valid valid(String text) {
        return assertInstanceOf(DmarcParseResult.Valid.class, DmarcRecordParser.parse(text));
    }

    private static List<String> messages(DmarcParseResult r) {
        return r.problems().stream().map(DmarcProblem::toString).toList();
    }

    @Test
    void parsesEveryRfc9989Tag() {
        var v = valid("v=DMARC1; p=reject; sp=quarantine; np=none; psd=n; t=y; adkim=s; aspf=s; "
                + "rua=mailto:agg@example.com,https://r.example.net/dmarc; ruf=mailto:fail@example.com; fo=1:d:s");
        DmarcRecord r = v.record();
        assertEquals(Optional.of(Policy.REJECT), r.policy());
        assertEquals(Optional.of(Policy.QUARANTINE), r.subdomainPolicy());
        assertEquals(Optional.of(Policy.NONE), r.nonExistentPolicy());
        assertEquals(Psd.N, r.psd());
        assertTrue(r.testing());
        assertEquals(AlignmentMode.STRICT, r.dkimAlignment());
        assertEquals(AlignmentMode.STRICT, r.spfAlignment());
        assertEquals(List.of("mailto:agg@example.com", "https://r.example.net/dmarc"),
                r.rua().stream().map(DmarcRecord.ReportUri::uri).toList());
        assertEquals(List.of("mailto", "https"), r.rua().stream().map(DmarcRecord.ReportUri::scheme).toList());
        assertEquals(Optional.of("agg@example.com"), r.rua().get(0).mailbox());
        assertEquals(Optional.of("fail@example.com"), r.ruf().get(0).mailbox());
        assertEquals(Set.of(FailureOption.ANY_FAIL, FailureOption.DKIM, FailureOption.SPF), r.failureOptions());
        assertEquals(List.of(), v.problems());
    }

    @Test
    void appliesDefaultsWhenTagsAreAbsent() {
        DmarcRecord r = valid("v=DMARC1; p=none").record();
        assertEquals(Optional.empty(), r.subdomainPolicy());
        assertEquals(Optional.empty(), r.nonExistentPolicy());
        assertEquals(Psd.U, r.psd());
        assertFalse(r.testing());
        assertEquals(AlignmentMode.RELAXED, r.dkimAlignment());
        assertEquals(AlignmentMode.RELAXED, r.spfAlignment());
        assertEquals(Set.of(FailureOption.ALL_FAIL), r.failureOptions());
        assertEquals(OptionalInt.empty(), r.percent());
    }

    @Test
    void rfc9989AppendixBRecordsParseWithoutProblems() {
        // Appendix B.2.1, B.2.2, B.2.5 (TXT strings joined as section 4.5 requires)
        for (String text : List.of(
                "v=DMARC1; p=none; rua=mailto:dmarc-feedback@example.com",
                "v=DMARC1; p=none; rua=mailto:dmarc-feedback@example.com; ruf=mailto:auth-reports@example.com",
                "v=DMARC1; p=quarantine; rua=mailto:dmarc-feedback@example.com,"
                        + "mailto:tld-test@thirdparty.example.net; t=y",
                "v=DMARC1; p=reject; aspf=r; rua=mailto:dmarc-feedback@example.com")) {
            var v = valid(text);
            assertEquals(List.of(), v.problems(), text);
        }
        var b25 = valid("v=DMARC1; p=quarantine; rua=mailto:dmarc-feedback@example.com,"
                + "mailto:tld-test@thirdparty.example.net; t=y").record();
        assertEquals(2, b25.rua().size());
        assertTrue(b25.testing());
    }

    @Test
    void thirdPartyAuthorisationRecordWithoutPolicyIsStillADmarcRecord() {
        // RFC 9989 Appendix B.2.3: "v=DMARC1;" at example.com._report._dmarc.thirdparty.example.net
        var v = valid("v=DMARC1;");
        assertEquals(Optional.empty(), v.record().policy());
        assertTrue(v.record().lacksUsablePolicy());
    }

    @Test
    void missingVersionMakesTheTextNotADmarcRecord() {
        var n = assertInstanceOf(DmarcParseResult.NotDmarc.class, DmarcRecordParser.parse("p=reject; v=DMARC1"));
        assertEquals("DMARC record, column 1: the first tag is 'p', but a DMARC record must start with v=DMARC1; "
                + "this text is ignored", n.reason().toString());
    }

    @Test
    void versionValueIsCaseSensitive() {
        var n = assertInstanceOf(DmarcParseResult.NotDmarc.class, DmarcRecordParser.parse("v=dmarc1; p=reject"));
        assertEquals("DMARC record, column 3: v=dmarc1 is not v=DMARC1 (the value is case-sensitive); "
                + "this text is ignored", n.reason().toString());
    }

    @Test
    void spfRecordIsNotADmarcRecord() {
        assertInstanceOf(DmarcParseResult.NotDmarc.class, DmarcRecordParser.parse("v=spf1 -all"));
        assertInstanceOf(DmarcParseResult.NotDmarc.class, DmarcRecordParser.parse(""));
        assertInstanceOf(DmarcParseResult.NotDmarc.class, DmarcRecordParser.parse("v=DMARC10; p=none"));
    }

    @Test
    void tagNamesAndKeywordsAreCaseInsensitive() {
        DmarcRecord r = valid("V=DMARC1; P=Reject; ADKIM=S").record();
        assertEquals(Optional.of(Policy.REJECT), r.policy());
        assertEquals(AlignmentMode.STRICT, r.dkimAlignment());
    }

    @Test
    void unknownTagsAreIgnoredWithAWarning() {
        var v = valid("v=DMARC1; p=none; foo=bar; x=1");
        assertEquals(List.of("DMARC record, column 19: warning: unknown tag 'foo' ignored",
                "DMARC record, column 28: warning: unknown tag 'x' ignored"), messages(v));
    }

    @Test
    void eachRfc7489OnlyTagGetsAWarningSayingWhatRfc9989DoesInstead() {
        var v = valid("v=DMARC1; p=reject; pct=50; rf=afrf; ri=3600");
        DmarcRecord r = v.record();
        assertEquals(OptionalInt.of(50), r.percent());
        assertEquals(Optional.of("afrf"), r.reportFormat());
        assertEquals(OptionalLong.of(3600), r.reportInterval());
        assertEquals(List.of(
                "DMARC record, column 21: warning: pct= was removed by RFC 9989 and RFC 9989 receivers ignore it; "
                        + "to test a policy use t=y (policy applied one level lower) instead",
                "DMARC record, column 29: warning: rf= was removed by RFC 9989: failure reports always use the "
                        + "RFC 6591 (AFRF) format; remove the tag",
                "DMARC record, column 38: warning: ri= was removed by RFC 9989: receivers send aggregate reports at "
                        + "least every 24 hours (section 5.3.8); remove the tag"), messages(v));
    }

    @Test
    void invalidPercentIsAnErrorAndLeavesTheDefault() {
        var v = valid("v=DMARC1; p=reject; pct=150");
        assertEquals(OptionalInt.empty(), v.record().percent());
        assertTrue(messages(v).contains("DMARC record, column 25: pct=150 is not a whole number from 0 to 100; "
                + "RFC 7489's default pct=100 applies"));
    }

    @Test
    void invalidValuesAreDiscardedInFavourOfDefaults() {
        var v = valid("v=DMARC1; p=reject; adkim=x; aspf=relaxed; t=maybe; psd=q; fo=2");
        DmarcRecord r = v.record();
        assertEquals(AlignmentMode.RELAXED, r.dkimAlignment());
        assertEquals(AlignmentMode.RELAXED, r.spfAlignment());
        assertFalse(r.testing());
        assertEquals(Psd.U, r.psd());
        assertEquals(Set.of(FailureOption.ALL_FAIL), r.failureOptions());
        assertEquals(List.of(
                "DMARC record, column 27: adkim=x is not r or s; the default r (relaxed) applies",
                "DMARC record, column 35: aspf=relaxed is not r or s; the default r (relaxed) applies",
                "DMARC record, column 46: t=maybe is not y or n; the default t=n applies",
                "DMARC record, column 57: psd=q is not y, n or u; the default psd=u applies",
                "DMARC record, column 60: warning: fo= has no effect without ruf=",
                "DMARC record, column 63: fo: '2' is not 0, 1, d or s; ignored"), messages(v));
    }

    @Test
    void invalidPolicyIsRecordedSoTheRuaFallbackCanApply() {
        DmarcRecord withRua = valid("v=DMARC1; p=bogus; rua=mailto:d@example.com").record();
        assertEquals(Optional.empty(), withRua.policy());
        assertTrue(withRua.policyInvalid());
        assertTrue(withRua.needsPolicyFallback());
        assertFalse(withRua.lacksUsablePolicy());
        DmarcRecord badSp = valid("v=DMARC1; p=reject; sp=maybe").record();
        assertTrue(badSp.subdomainPolicyInvalid());
        assertTrue(badSp.lacksUsablePolicy());
    }

    @Test
    void missingPolicyWarnsWithTheRfc9989Consequence() {
        assertEquals(List.of("DMARC record, column 1: warning: no p= tag: RFC 9989 receivers act as if p=none "
                        + "(section 4.10.1); add p= to state a policy"),
                messages(valid("v=DMARC1; rua=mailto:d@example.com")));
        assertEquals(List.of("DMARC record, column 1: warning: no p= tag and no valid rua=: RFC 9989 receivers "
                        + "apply no DMARC processing (section 4.10.1); add p=none, p=quarantine or p=reject"),
                messages(valid("v=DMARC1")));
    }

    @Test
    void repeatedPolicyTagMakesThePolicyInvalid() {
        // RFC 6376 section 3.2: a tag-list that repeats a tag is invalid; which policy was meant is unknowable
        var v = valid("v=DMARC1; p=none; p=reject");
        assertEquals(Optional.empty(), v.record().policy());
        assertTrue(v.record().policyInvalid());
        assertEquals(List.of("DMARC record, column 19: duplicate tag 'p'; a record may not repeat a tag "
                + "(RFC 6376 section 3.2 tag-list syntax), so p= counts as invalid"), messages(v));
        // the same tag in another case is a duplicate too (tag names are case-insensitive)
        var mixed = valid("v=DMARC1; p=none; P=reject");
        assertEquals(Optional.empty(), mixed.record().policy());
        assertEquals(List.of("DMARC record, column 19: duplicate tag 'p' (first at column 11); a record may not "
                + "repeat a tag (RFC 6376 section 3.2 tag-list syntax), so p= counts as invalid"), messages(mixed));
    }

    @Test
    void repeatedOtherTagKeepsTheFirstValue() {
        var v = valid("v=DMARC1; p=reject; adkim=s; ADKIM=r");
        assertEquals(Optional.of(Policy.REJECT), v.record().policy());
        assertEquals(List.of("DMARC record, column 30: duplicate tag 'adkim' (first at column 21); this one is "
                + "ignored"), messages(v));
    }

    @Test
    void obsoleteSizeSuffixIsParsedAndWarnedAbout() {
        var v = valid("v=DMARC1; p=none; rua=mailto:a@example.com!10m, mailto:b@example.com!500");
        List<DmarcRecord.ReportUri> rua = v.record().rua();
        assertEquals("mailto:a@example.com", rua.get(0).uri());
        assertEquals(OptionalLong.of(10L << 20), rua.get(0).maxBytes());
        assertEquals(OptionalLong.of(500), rua.get(1).maxBytes());
        assertEquals(49, rua.get(1).column());
        assertEquals("DMARC record, column 43: warning: rua: the '!10m' size limit is obsolete (RFC 9989 section 4.8) "
                + "and RFC 9989 receivers ignore it; remove it", messages(v).get(0));
    }

    @Test
    void badReportUrisAreDroppedWithPositions() {
        var v = valid("v=DMARC1; p=none; rua=dmarc@example.com, mailto:ok@example.com, mailto:nobody, "
                + "mailto:x@example.com!lots");
        assertEquals(List.of("mailto:ok@example.com"), v.record().rua().stream().map(Object::toString).toList());
        assertEquals(List.of(
                "DMARC record, column 23: rua: 'dmarc@example.com' has no scheme; write it as "
                        + "mailto:dmarc@example.com; ignored",
                "DMARC record, column 65: rua: 'mailto:nobody' is not a mailto: URI with an address like "
                        + "dmarc@example.com; ignored",
                "DMARC record, column 100: rua: '!lots' is not a size (digits and an optional k, m, g or t); URI ignored"),
                messages(v));
    }

    @Test
    void garbageSegmentsAreErrorsWithColumns() {
        var v = valid("v=DMARC1; p=reject;; garbage; 1x=y; sp=none;");
        assertEquals(Optional.of(Policy.REJECT), v.record().policy());
        assertEquals(Optional.of(Policy.NONE), v.record().subdomainPolicy());
        assertEquals(List.of(
                "DMARC record, column 22: 'garbage' is not a tag=value pair (no '='); ignored",
                "DMARC record, column 31: invalid tag name '1x' (must start with a letter); ignored"), messages(v));
    }

    @Test
    void policyNotSecondWarnsAboutRfc7489Receivers() {
        var v = valid("v=DMARC1; rua=mailto:d@example.com; p=reject");
        assertEquals(List.of("DMARC record, column 37: warning: p= is not right after v=DMARC1; RFC 7489 receivers "
                + "require it there (RFC 9989 does not)"), messages(v));
    }

    @Test
    void hugeRecordIsRefusedWithoutScanningIt() {
        String huge = "v=DMARC1; p=reject; " + "x=y; ".repeat(5000);
        var n = assertInstanceOf(DmarcParseResult.NotDmarc.class, DmarcRecordParser.parse(huge));
        assertEquals("DMARC record, column 1: record is 25020 characters long, over the limit of 8192; "
                + "it is not treated as a DMARC record", n.reason().toString());
    }

    @Test
    void problemListIsCapped() {
        StringBuilder sb = new StringBuilder("v=DMARC1; p=reject; ");
        for (int i = 0; i < 100; i++) {
            sb.append('x').append((char) ('a' + i / 26)).append((char) ('a' + i % 26)).append("=y; ");
        }
        String many = sb.toString();
        var v = valid(many);
        assertEquals(21, v.problems().size());
        assertEquals("DMARC record, column 1: warning: 80 more problems not listed",
                v.problems().get(20).toString());
    }

    @Property
    void neverThrowsOnArbitraryText(@ForAll String text) {
        DmarcParseResult r = DmarcRecordParser.parse(text);
        assertTrue(r instanceof DmarcParseResult.Valid || r instanceof DmarcParseResult.NotDmarc);
    }

    @Property
    void neverThrowsOnArbitraryTailsAfterVersion(@ForAll String tail) {
        DmarcParseResult r = DmarcRecordParser.parse("v=DMARC1; " + tail);
        assertInstanceOf(DmarcParseResult.Valid.class, r);
        r.problems().forEach(p -> assertTrue(p.column() >= 1 && p.column() <= tail.length() + 11, p.toString()));
    }
}
