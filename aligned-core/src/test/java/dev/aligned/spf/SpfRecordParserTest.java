package dev.aligned.spf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpfRecordParserTest {

    private static SpfParseResult.Invalid invalid(String record) {
        return assertInstanceOf(SpfParseResult.Invalid.class, SpfRecord.parse(record), record);
    }

    private static SpfRecord valid(String record) {
        return assertInstanceOf(SpfParseResult.Valid.class, SpfRecord.parse(record), record).record();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            v=spf1 a:example.info ipv4:192.0.2.1 -all | SPF record, column 23: unknown mechanism 'ipv4'
            v=spf1 ip4:192.0.2.1/33 | SPF record, column 22: invalid IPv4 prefix length '/33': must be 0 to 32
            v=spf1 ip4:1.2.3.4/032 | SPF record, column 20: invalid IPv4 prefix length '/032': leading zeros are not allowed
            v=spf1 ip6:2001:db8::/129 | SPF record, column 23: invalid IPv6 prefix length '/129': must be 0 to 128
            v=spf1 ip4:1.2.3 | SPF record, column 12: invalid IPv4 address '1.2.3' (four decimal numbers 0-255 without leading zeros)
            v=spf1 ip4:01.2.3.4 | SPF record, column 12: invalid IPv4 address '01.2.3.4' (four decimal numbers 0-255 without leading zeros)
            v=spf1 ip6::CAFE::BABE | SPF record, column 12: invalid IPv6 address ':CAFE::BABE'
            v=spf1 ip4 | SPF record, column 11: 'ip4' needs an address: ip4:<address>[/<prefix>]
            v=spf1 redirect=a.example.com redirect=b.example.com | SPF record, column 31: 'redirect=' appears twice (first at column 8); a record may hold at most one redirect= and one exp=
            v=spf1 exp=a.example.com -all exp=b.example.com | SPF record, column 31: 'exp=' appears twice (first at column 8); a record may hold at most one redirect= and one exp=
            v=spf1 -all. | SPF record, column 12: 'all' takes no argument or CIDR length, found '.'
            v=spf1 all/8 | SPF record, column 11: 'all' takes no argument or CIDR length, found '/8'
            v=spf1mx | SPF record, column 7: 'v=spf1' must be followed by a space, not 'm'
            spf1 -all | SPF record, column 1: not an SPF record: it must start with 'v=spf1'
            v=spf1 exists:%{x}.example.com | SPF record, column 15: unknown macro letter 'x' in '%{x}' (letters: s l o d i p h v, and c r t in explanations)
            v=spf1 a:%{d0}.example.com | SPF record, column 13: macro '%{d0}' keeps 0 parts: the number must be 1 or more
            v=spf1 exp=%{r}.example.com | SPF record, column 12: macro '%{r}' is allowed only in explanation text (the TXT record an exp= modifier points to)
            v=spf1 exists:foo%.sbl.example.com | SPF record, column 18: invalid macro '%.': '%' must be followed by '{', '%', '_' or '-'
            v=spf1 exists:%{i.example.com | SPF record, column 15: unterminated macro '%{i.example.com': missing '}'
            v=spf1 a:%{l2r+x}.example.com | SPF record, column 16: invalid character 'x' in macro '%{l2r+x}' (after the letter: digits, 'r', then delimiters . - + , / _ =)
            v=spf1 a:111.222.33.44 | SPF record, column 21: invalid domain '111.222.33.44': the top-level label '44' is all numeric
            v=spf1 a:example.-com | SPF record, column 18: invalid domain 'example.-com': the top-level label '-com' may not start or end with a hyphen
            v=spf1 a:example.com:8080 | SPF record, column 18: invalid domain 'example.com:8080': the top-level label 'com:8080' may hold only letters, digits and hyphens
            v=spf1 a:museum | SPF record, column 10: invalid domain 'museum': it must end in '.' and a top-level label, or in a macro
            v=spf1 include: | SPF record, column 16: empty domain after 'include:'
            v=spf1 include | SPF record, column 15: 'include' needs a domain: include:<domain>
            v=spf1 exists:mail.example.com/24 | SPF record, column 28: invalid domain 'mail.example.com/24': the top-level label 'com/24' may hold only letters, digits and hyphens
            v=spf1 ptr/0 | SPF record, column 11: 'ptr' takes only an optional ':domain', found '/0'
            v=spf1 a/24/64 | SPF record, column 13: invalid IPv4 prefix length '/64': must be 0 to 32
            v=spf1 1up=foo | SPF record, column 8: modifier name '1up' must start with a letter
            v=spf1 =all | SPF record, column 8: missing modifier name before '=' in '=all'
            v=spf1 -redirect=x.com | SPF record, column 8: a modifier cannot have a qualifier: '-redirect=x.com'
            v=spf1 exp= | SPF record, column 12: 'exp=' needs a domain
            v=spf1 redirect=-all | SPF record, column 17: invalid domain '-all': it must end in '.' and a top-level label, or in a macro
            v=spf1 foo=%abc | SPF record, column 12: invalid macro '%a': '%' must be followed by '{', '%', '_' or '-' in modifier 'foo'
            v=spf1 moo.cow/far_out=man:dog/cat | SPF record, column 8: unknown mechanism 'moo.cow'
            v=spf1 redirect:example.com | SPF record, column 8: unknown mechanism 'redirect'
            """)
    void reportsTheFirstErrorWithItsColumn(String record, String message) {
        assertEquals(message, invalid(record).first().toString());
    }

    @Test
    void controlAndNonAsciiCharactersAreNamedWithTheirColumn() {
        assertEquals("SPF record, column 26: control character U+000D (terms are separated by spaces only) in term "
                + "'a:ctrl.example.com\\u000Dptr'", invalid("v=spf1 a:ctrl.example.com\rptr -all").first().toString());
        assertEquals("SPF record, column 11: non-ASCII character U+00E9 (SPF records are ASCII only) in term "
                + "'a:b\\u00E9.example.com'", invalid("v=spf1 a:b\u00e9.example.com").first().toString());
        assertEquals("SPF record, column 25: control character U+0000 (terms are separated by spaces only) in term "
                + "'a:foo.example.com\\u0000'", invalid("v=spf1 a:foo.example.com\0").first().toString());
    }

    @Test
    void commonMistakesCarryAHint() {
        assertEquals(Optional.of("did you mean 'ip4'?"), invalid("v=spf1 ipv4:192.0.2.1").first().hint());
        assertEquals(Optional.of("to authorise an address write ip4:111.222.33.44"),
                invalid("v=spf1 a:111.222.33.44").first().hint());
        assertEquals(Optional.of("an SPF address takes no port: write ip4:1.2.3.4"),
                invalid("v=spf1 ip4:1.2.3.4:8080").first().hint());
        assertEquals(Optional.of("write /32"), invalid("v=spf1 ip4:1.2.3.4/032").first().hint());
    }

    @Test
    void listsSeveralErrorsInColumnOrder() {
        List<SpfSyntaxError> errors = invalid("v=spf1 ipv4:1.2.3.4 mx/33 foo").errors();
        assertEquals(List.of(8, 24, 27), errors.stream().map(SpfSyntaxError::column).toList());
        assertEquals(List.of("ipv4:1.2.3.4", "mx/33", "foo"), errors.stream().map(SpfSyntaxError::term).toList());
    }

    @Test
    void capsTheErrorListAtTen() {
        assertEquals(RecordParser.MAX_ERRORS, invalid("v=spf1" + " bad".repeat(50)).errors().size());
    }

    @Test
    void parsesEveryMechanismAndModifierWithQualifiersCidrsAndColumns() {
        SpfRecord r = valid("v=spf1 +a -a:mail.example.com/24//64 ~mx//0 ?mx:%{d}/16 ptr ptr:example.org "
                + "ip4:192.0.2.0/24 ip6:2001:DB8::/32 exists:%{ir}.%{v}._spf.%{d2} include:_spf.example.net "
                + "exp=explain.%{d} redirect=_spf.example.com x-custom=%{l}.anything -all");
        List<Term> t = r.terms();
        assertEquals(14, t.size());
        Term.A a = assertInstanceOf(Term.A.class, t.get(0));
        assertEquals(Qualifier.PASS, a.qualifier());
        assertEquals(Optional.empty(), a.domainSpec());
        assertEquals(32, a.cidr4());
        assertEquals(128, a.cidr6());
        Term.A a2 = assertInstanceOf(Term.A.class, t.get(1));
        assertEquals(Qualifier.FAIL, a2.qualifier());
        assertEquals("mail.example.com", a2.domainSpec().orElseThrow().text());
        assertEquals(24, a2.cidr4());
        assertEquals(64, a2.cidr6());
        assertEquals(11, a2.column());
        Term.Mx mx = assertInstanceOf(Term.Mx.class, t.get(2));
        assertEquals(Qualifier.SOFTFAIL, mx.qualifier());
        assertEquals(32, mx.cidr4());
        assertEquals(0, mx.cidr6());
        Term.Mx mx2 = assertInstanceOf(Term.Mx.class, t.get(3));
        assertEquals(Qualifier.NEUTRAL, mx2.qualifier());
        assertEquals(16, mx2.cidr4());
        assertEquals("%{d}", mx2.domainSpec().orElseThrow().text());
        assertInstanceOf(Term.Ptr.class, t.get(4));
        assertEquals("example.org", assertInstanceOf(Term.Ptr.class, t.get(5)).domainSpec().orElseThrow().text());
        Term.Ip4 ip4 = assertInstanceOf(Term.Ip4.class, t.get(6));
        assertEquals("192.0.2.0", ip4.networkText());
        assertEquals(24, ip4.prefix());
        Term.Ip6 ip6 = assertInstanceOf(Term.Ip6.class, t.get(7));
        assertEquals("2001:db8::", ip6.networkText());
        assertEquals(32, ip6.prefix());
        assertInstanceOf(Term.Exists.class, t.get(8));
        assertInstanceOf(Term.Include.class, t.get(9));
        assertEquals("explain.%{d}", r.exp().orElseThrow().domainSpec().text());
        assertEquals("_spf.example.com", r.redirect().orElseThrow().domainSpec().text());
        assertEquals("x-custom", assertInstanceOf(Term.Unknown.class, t.get(12)).name());
        assertEquals(Qualifier.FAIL, assertInstanceOf(Term.All.class, t.get(13)).qualifier());
        assertEquals(11, r.mechanisms().size());
        assertEquals(9, r.dnsTermCount()); // 8 mechanisms and the redirect
    }

    @Test
    void versionAndNamesAreCaseInsensitiveAndSpacesAreFlexible() {
        SpfRecord r = valid("V=SpF1  IP4:192.0.2.1   Include:example.com -ALL ");
        assertEquals(3, r.terms().size());
        assertEquals(9, r.terms().get(0).column());
        assertEquals("v=spf1 IP4:192.0.2.1 Include:example.com -ALL", r.normalized());
        assertTrue(valid("v=spf1").terms().isEmpty());
    }

    @Test
    void acceptsOddButValidDomainSpecs() {
        valid("v=spf1 a:foo:bar/baz.example.com");
        valid("v=spf1 a:foo.example.xn--zckzah");
        valid("v=spf1 a:macro%%percent%_%_space%-url-space.example.com");
        valid("v=spf1 a:%{H} -all");
        valid("v=spf1 a:example.com.");
        valid("v=spf1 a:123-456.example.123-456");
        valid("v=spf1 moo.cow-far_out=man:dog/cat default=+ v=spf1");
        valid("v=spf1 ip6:::FFFF:1.2.3.4 ip6:::1.1.1.1/0 ip6:1:2:3:4:5:6:7:8 ip6:1::");
    }

    @Test
    void isSpfSelectsOnlyVersionOneFollowedBySpaceOrEnd() {
        assertTrue(SpfRecord.isSpf("v=spf1"));
        assertTrue(SpfRecord.isSpf("V=SPF1 -all"));
        assertTrue(!SpfRecord.isSpf("v=spf10"));
        assertTrue(!SpfRecord.isSpf("v=spf1mx"));
        assertTrue(!SpfRecord.isSpf("spf2.0/pra -all"));
    }

    @Test
    void rawTxtStringsAreSelectedLikeDecodedText() {
        java.util.function.Function<String[], java.util.List<byte[]>> bytes = parts -> java.util.Arrays.stream(parts)
                .map(p -> p.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)).toList();
        assertTrue(Evaluation.isSpf(bytes.apply(new String[] {"v=spf1"})));
        assertTrue(Evaluation.isSpf(bytes.apply(new String[] {"V=Sp", "F1 -all"})));
        assertTrue(Evaluation.isSpf(bytes.apply(new String[] {"", "v=spf1", " mx"})));
        assertTrue(!Evaluation.isSpf(bytes.apply(new String[] {"v=spf1", "mx"})));
        assertTrue(!Evaluation.isSpf(bytes.apply(new String[] {"v=spf10"})));
        assertTrue(!Evaluation.isSpf(bytes.apply(new String[] {"v=spf"})));
        assertTrue(!Evaluation.isSpf(bytes.apply(new String[] {})));
        assertTrue(!Evaluation.isSpf(bytes.apply(new String[] {"\u00e9v=spf1"})));
    }
}
