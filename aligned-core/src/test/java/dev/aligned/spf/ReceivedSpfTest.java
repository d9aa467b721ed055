package dev.aligned.spf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.FixtureResolver;
import org.junit.jupiter.api.Test;

class ReceivedSpfTest {
    static final FixtureResolver DNS = FixtureResolver.builder()
            .add("example.com", DnsRecord.Txt.of("v=spf1 ip4:192.0.2.0/24 -all"))
            .add("soft.example.com", DnsRecord.Txt.of("v=spf1 ~all"))
            .add("broken.example.com", DnsRecord.Txt.of("v=spf1 ipv4:192.0.2.1 -all"))
            .add("helo.example.com", DnsRecord.Txt.of("v=spf1 a -all"), DnsRecord.address(MacroExpansionTest.ip("192.0.2.7")))
            .timeout("slow.example.com")
            .build();
    static final SpfEvaluator SPF = SpfEvaluator.builder().resolver(DNS).receiver("mx.example.org").build();

    @Test
    void passNamesTheSenderTheClientAndTheMechanism() {
        SpfResult r = SPF.checkMailFrom(MacroExpansionTest.ip("192.0.2.1"), "alice@example.com", "mail.example.com");
        assertEquals("Received-SPF: pass (mx.example.org: domain of alice@example.com designates 192.0.2.1 as "
                + "permitted sender) client-ip=192.0.2.1; envelope-from=\"alice@example.com\"; helo=mail.example.com; "
                + "receiver=mx.example.org; identity=mailfrom; mechanism=\"ip4:192.0.2.0/24\"",
                ReceivedSpf.render(r, "mx.example.org"));
    }

    @Test
    void failAndSoftfailUseTheRfcWording() {
        SpfResult f = SPF.checkMailFrom(MacroExpansionTest.ip("2001:db8::1"), "bob@example.com", "h.example.net");
        assertEquals("fail (mx.example.org: domain of bob@example.com does not designate 2001:db8::1 as permitted "
                + "sender) client-ip=\"2001:db8::1\"; envelope-from=\"bob@example.com\"; helo=h.example.net; "
                + "receiver=mx.example.org; identity=mailfrom; mechanism=-all", ReceivedSpf.value(f, "mx.example.org"));
        SpfResult s = SPF.checkMailFrom(MacroExpansionTest.ip("192.0.2.9"), "x@soft.example.com", "h.example.net");
        assertEquals("softfail (mx.example.org: transitioning domain of x@soft.example.com does not designate "
                + "192.0.2.9 as permitted sender) client-ip=192.0.2.9; envelope-from=\"x@soft.example.com\"; "
                + "helo=h.example.net; receiver=mx.example.org; identity=mailfrom; mechanism=~all",
                ReceivedSpf.value(s, "mx.example.org"));
    }

    @Test
    void errorsCarryTheProblemQuotedAndEscaped() {
        SpfResult p = SPF.checkMailFrom(MacroExpansionTest.ip("192.0.2.9"), "x@broken.example.com", "");
        assertEquals("permerror (mx.example.org: permanent error in processing domain of x@broken.example.com: "
                + "broken.example.com: SPF record, column 8: unknown mechanism 'ipv4') client-ip=192.0.2.9; "
                + "envelope-from=\"x@broken.example.com\"; receiver=mx.example.org; identity=mailfrom; "
                + "problem=\"broken.example.com: SPF record, column 8: unknown mechanism 'ipv4'\"",
                ReceivedSpf.value(p, "mx.example.org"));
        SpfResult t = SPF.checkMailFrom(MacroExpansionTest.ip("192.0.2.9"), "x@slow.example.com", "h");
        assertEquals("temperror (mx.example.org: error in processing during lookup of domain of x@slow.example.com: "
                + "DNS lookup of the TXT records of slow.example.com failed \\(timeout \\(fixture\\) at "
                + "slow.example.com\\)) client-ip=192.0.2.9; envelope-from=\"x@slow.example.com\"; helo=h; "
                + "receiver=mx.example.org; identity=mailfrom; problem=\"DNS lookup of the TXT records of "
                + "slow.example.com failed (timeout (fixture) at slow.example.com)\"",
                ReceivedSpf.value(t, "mx.example.org"));
    }

    @Test
    void heloIdentityAndNoneResult() {
        SpfResult h = SPF.checkHelo(MacroExpansionTest.ip("192.0.2.7"), "helo.example.com");
        assertEquals("pass (mx.example.org: helo helo.example.com designates 192.0.2.7 as permitted sender) "
                + "client-ip=192.0.2.7; helo=helo.example.com; receiver=mx.example.org; identity=helo; mechanism=a",
                ReceivedSpf.value(h, "mx.example.org"));
        SpfResult n = SPF.checkMailFrom(MacroExpansionTest.ip("192.0.2.7"), "a@nothing.example", "h");
        assertEquals("none (mx.example.org: domain of a@nothing.example does not designate permitted sender hosts) "
                + "client-ip=192.0.2.7; envelope-from=\"a@nothing.example\"; helo=h; receiver=mx.example.org; "
                + "identity=mailfrom", ReceivedSpf.value(n, "mx.example.org"));
    }

    @Test
    void quotesValuesThatAreNotDotAtoms() {
        assertEquals(false, ReceivedSpf.dotAtom("alice@example.com"));
        assertEquals(true, ReceivedSpf.dotAtom("mail.example.com"));
        assertEquals(false, ReceivedSpf.dotAtom("Macro Error@example.com"));
        assertEquals(false, ReceivedSpf.dotAtom("a..b"));
        assertEquals(false, ReceivedSpf.dotAtom("2001:db8::1"));
    }
}
