package dev.aligned.spf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.DomainName;
import dev.aligned.dns.FixtureResolver;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** RFC 7208 section 7.4 examples and the other rules of section 7. */
class MacroExpansionTest {
    static final String SENDER = "strong-bad@email.example.com";

    static final FixtureResolver DNS = FixtureResolver.builder()
            .add("3.2.0.192.in-addr.arpa", new DnsRecord.Ptr(DomainName.of("mx.example.org")))
            .add("mx.example.org", DnsRecord.address(ip("192.0.2.3")))
            .build();

    static final SpfEvaluator SPF = SpfEvaluator.builder().resolver(DNS).receiver("mx.receiver.example")
            .clock(Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC)).build();

    static InetAddress ip(String s) {
        InetAddress a = Ip.parseClient(s);
        if (a == null) {
            throw new IllegalArgumentException(s);
        }
        return a;
    }

    static String expand(String macroString, String clientIp) {
        Evaluation e = new Evaluation(SPF, ip(clientIp), SENDER, "helo.example.net", SpfResult.Identity.MAILFROM);
        MacroString.Outcome o = MacroString.parse(macroString, 0, macroString.length(), true);
        StringBuilder sb = new StringBuilder();
        e.expand(o.value, "email.example.com", sb, 10_000);
        return sb.toString();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            %{s}     | strong-bad@email.example.com
            %{o}     | email.example.com
            %{d}     | email.example.com
            %{d4}    | email.example.com
            %{d3}    | email.example.com
            %{d2}    | example.com
            %{d1}    | com
            %{dr}    | com.example.email
            %{d2r}   | example.email
            %{l}     | strong-bad
            %{l-}    | strong.bad
            %{lr}    | strong-bad
            %{lr-}   | bad.strong
            %{l1r-}  | strong
            %{ir}.%{v}._spf.%{d2}             | 3.2.0.192.in-addr._spf.example.com
            %{lr-}.lp._spf.%{d2}              | bad.strong.lp._spf.example.com
            %{lr-}.lp.%{ir}.%{v}._spf.%{d2}   | bad.strong.lp.3.2.0.192.in-addr._spf.example.com
            %{ir}.%{v}.%{l1r-}.lp._spf.%{d2}  | 3.2.0.192.in-addr.strong.lp._spf.example.com
            %{d2}.trusted-domains.example.net | example.com.trusted-domains.example.net
            """)
    void rfc7208Section74ExamplesForIpv4(String macro, String expected) {
        assertEquals(expected, expand(macro, "192.0.2.3"));
    }

    @Test
    void rfc7208Section74ExampleForIpv6ComparedAsADomainName() {
        // The RFC prints the nibbles in lower case; the OpenSPF suite (v-macro-ip6) requires upper case in
        // explanations. Aligned writes upper case: the DNS name is the same, which is what this example is about.
        String got = expand("%{ir}.%{v}._spf.%{d2}", "2001:db8::cb01");
        assertEquals(DomainName.of("1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com"),
                DomainName.of(got));
        assertEquals("1.0.B.C.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.B.D.0.1.0.0.2.ip6._spf.example.com", got);
    }

    @Test
    void explanationOnlyLettersGiveClientReceiverAndTime() {
        assertEquals("192.0.2.3 mx.receiver.example 1700000000", expand("%{c} %{r} %{t}", "192.0.2.3"));
        assertEquals("2001:db8::cb01", expand("%{c}", "2001:db8::cb01"));
        assertEquals("2001:db8::1:0:0:1", expand("%{c}", "2001:0db8:0000:0000:0001:0000:0000:0001"));
    }

    @Test
    void upperCaseLettersAreUrlEscaped() {
        assertEquals("strong-bad%40email.example.com", expand("%{S}", "192.0.2.3"));
        assertEquals("http://x/?l=strong-bad", expand("http://x/?l=%{L}", "192.0.2.3"));
        assertEquals("2001%3Adb8%3A%3Acb01", expand("%{C}", "2001:db8::cb01"));
    }

    @Test
    void escapesGivePercentSpaceAndEncodedSpace() {
        assertEquals("a%b c%20d", expand("a%%b%_c%-d", "192.0.2.3"));
    }

    @Test
    void validatedPtrNameAndHeloAndVersion() {
        assertEquals("mx.example.org", expand("%{p}", "192.0.2.3"));
        assertEquals("unknown", expand("%{p}", "192.0.2.4"));
        assertEquals("helo.example.net in-addr ip6", expand("%{h} %{v}", "192.0.2.3") + " "
                + expand("%{v}", "2001:db8::1"));
    }

    @Test
    void ipv4MappedClientsExpandAsIpv4() {
        assertEquals("192.0.2.3 in-addr", expand("%{i} %{v}", "::ffff:192.0.2.3"));
    }

    @Test
    void domainTargetsDropTheTrailingDotAndAreCutFromTheLeftTo253() {
        Evaluation e = new Evaluation(SPF, ip("192.0.2.3"), SENDER, "h", SpfResult.Identity.MAILFROM);
        String label = "a".repeat(60);
        String spec = ("%{d}." + label + ".").repeat(5) + "example.com.";
        MacroString ms = MacroString.parse(spec, 0, spec.length(), false).value;
        Evaluation.Target t = e.expandTarget(ms, "email.example.com");
        assertEquals(true, t.text().length() <= 253);
        assertEquals(true, t.text().endsWith(label + ".example.com"));
        assertEquals(false, t.text().startsWith("."));
        String longLabel = "%{d}." + "b".repeat(64) + ".com";
        MacroString tooLong = MacroString.parse(longLabel, 0, longLabel.length(), false).value;
        assertNull(e.expandTarget(tooLong, "email.example.com"), "a label over 63 characters is no valid name");
    }

    @Test
    void transformersSplitOnEveryGivenDelimiterAndKeepTheRightParts() {
        assertEquals("bar.foo", Evaluation.transform("foo-bar+zip+quux",
                new MacroString.Macro('l', 2, true, "+-", false)));
        assertEquals("gladstone.philip", Evaluation.transform("philip-gladstone-test",
                new MacroString.Macro('l', 2, true, "-", false)));
        assertEquals("a..b", Evaluation.transform("a..b", new MacroString.Macro('l', 0, false, null, false)));
    }
}
