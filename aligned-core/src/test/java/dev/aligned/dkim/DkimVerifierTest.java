package dev.aligned.dkim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.FixtureResolver;
import dev.aligned.mail.HeaderField;
import dev.aligned.mail.RawMessage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Verifier behaviour: policy, time, key flags, DNS outcomes, several signatures. */
class DkimVerifierTest {
    static final String MESSAGE = "From: Joe <joe@example.com>\r\nTo: sue@example.net\r\nSubject: hi\r\n"
            + "Date: Sat, 28 Nov 2026 00:00:00 +0000\r\n\r\nHello.\r\n";
    static final PrivateKey RSA = DkimKeys.readPrivateKey(Corpus.text("dkimpy/data/test.private")).orElseThrow();
    static final String RSA_P = Corpus.text("dkimpy/data/test.txt").strip().replaceAll(".*p=", "");

    static FixtureResolver dns(String record) {
        return FixtureResolver.builder().add("test._domainkey.example.com", DnsRecord.Txt.of(record)).build();
    }

    static List<DkimResult> verify(FixtureResolver dns, byte[] msg, Clock clock, DkimPolicy policy) {
        return DkimVerifier.builder(dns).clock(clock).policy(policy).build().verify(RawMessage.parse(msg));
    }

    static DkimResult verifyOne(String keyRecord, byte[] msg) {
        List<DkimResult> r = verify(dns(keyRecord), msg, Corpus.CLOCK, DkimPolicy.DEFAULT);
        assertEquals(1, r.size());
        return r.get(0);
    }

    static byte[] signed(DkimSigner.Builder b, String message) {
        byte[] m = message.getBytes(StandardCharsets.ISO_8859_1);
        return ((DkimSigner.Signed) b.build().sign(RawMessage.parse(m))).prependTo(m);
    }

    static DkimSigner.Builder rsaSigner() {
        return DkimSigner.builder("example.com", "test", RSA).clock(Corpus.CLOCK);
    }

    /** Builds a signature field by hand from {@code tags} (which must end in "b="), signs it with {@code alg}. */
    static byte[] crafted(String tags, DkimAlgorithm alg, PrivateKey key, String message) throws Exception {
        RawMessage m = RawMessage.parse(message.getBytes(StandardCharsets.ISO_8859_1));
        String bh = Base64.getEncoder().encodeToString(MessageDigest.getInstance(alg.digest())
                .digest("Hello.\r\n".getBytes(StandardCharsets.US_ASCII)));
        String dummy = "DKIM-Signature: " + tags.replace("BH", bh) + "AAAA";
        HeaderField f = HeaderField.of(dummy);
        DkimSignature sig = ((DkimSignature.Valid) DkimSignature.parse(f.value())).signature();
        byte[] data = DkimVerifier.headerData(m.header(), f, sig).toByteArray();
        String b = Base64.getEncoder().encodeToString(DkimCrypto.sign(alg, key, data));
        return (dummy.substring(0, dummy.length() - 4) + b + "\r\n" + message).getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void rsaSha1IsRefusedByDefaultAndAcceptedWhenThePolicySaysSo() throws Exception {
        byte[] msg = crafted("v=1; a=rsa-sha1; c=simple/simple; d=example.com; s=test; h=from:to; bh=BH; b=",
                DkimAlgorithm.RSA_SHA1, RSA, MESSAGE);
        DkimResult r = verifyOne("v=DKIM1; p=" + RSA_P, msg);
        assertEquals("policy", r.keyword());
        assertEquals("rsa-sha1 is not accepted (RFC 8301); the signer should use rsa-sha256", r.reason());
        List<DkimResult> lenient = verify(dns("v=DKIM1; p=" + RSA_P), msg, Corpus.CLOCK,
                DkimPolicy.DEFAULT.withAcceptRsaSha1(true));
        assertInstanceOf(DkimResult.Pass.class, lenient.get(0), lenient.get(0).reason());
    }

    @Test
    void expiredSignatureFails() {
        byte[] msg = signed(rsaSigner().expiry(Duration.ofDays(1)), MESSAGE);
        Clock later = Clock.fixed(Corpus.CLOCK.instant().plus(Duration.ofDays(2)), ZoneOffset.UTC);
        List<DkimResult> r = verify(dns("p=" + RSA_P), msg, later, DkimPolicy.DEFAULT);
        assertEquals("fail", r.get(0).keyword());
        assertEquals("signature expired (x=2026-11-29T00:00:00Z)", r.get(0).reason());
        assertInstanceOf(DkimResult.Pass.class, verifyOne("p=" + RSA_P, msg));
    }

    @Test
    void signatureFromTheFutureFails() {
        Clock future = Clock.fixed(Instant.parse("2027-01-01T00:00:00Z"), ZoneOffset.UTC);
        byte[] msg = signed(rsaSigner().clock(future), MESSAGE);
        DkimResult r = verifyOne("p=" + RSA_P, msg);
        assertEquals("fail", r.keyword());
        assertEquals("signature timestamp t=2027-01-01T00:00:00Z is in the future", r.reason());
    }

    @Test
    void expiryBeforeTimestampIsPermerror() throws Exception {
        String tags = "v=1; a=rsa-sha256; d=example.com; s=test; t=200; x=100; h=from; bh=AAAA; b=AAAA";
        DkimResult r = verifyOne("p=" + RSA_P, ("DKIM-Signature: " + tags + "\r\n" + MESSAGE).getBytes(StandardCharsets.US_ASCII));
        assertEquals("permerror", r.keyword());
        assertEquals("DKIM-Signature, column 51: x= is not after t= (the signature expires before it was made)",
                r.reason());
    }

    @Test
    void signatureNotCoveringFromIsPermerror() throws Exception {
        String tags = "v=1; a=rsa-sha256; d=example.com; s=test; h=to:subject; bh=BH; b=AAAA";
        DkimResult r = verifyOne("p=" + RSA_P, ("DKIM-Signature: " + tags + "\r\n" + MESSAGE).getBytes(StandardCharsets.US_ASCII));
        assertEquals("permerror", r.keyword());
        assertEquals("DKIM-Signature, column 44: h= does not include From (RFC 6376 section 5.4)", r.reason());
    }

    @Test
    void identityOutsideTheSigningDomainIsPermerror() {
        String tags = "v=1; a=rsa-sha256; d=example.com; i=joe@example.net; s=test; h=from; bh=AAAA; b=AAAA";
        DkimResult r = verifyOne("p=" + RSA_P, ("DKIM-Signature: " + tags + "\r\n" + MESSAGE).getBytes(StandardCharsets.US_ASCII));
        assertEquals("permerror", r.keyword());
        assertEquals("DKIM-Signature, column 36: i= domain example.net is not d=example.com or a subdomain of it",
                r.reason());
    }

    @Test
    void subdomainIdentityPassesButStrictKeyRefusesIt() {
        byte[] msg = signed(rsaSigner().identity("joe@mail.example.com"), MESSAGE);
        assertInstanceOf(DkimResult.Pass.class, verifyOne("v=DKIM1; p=" + RSA_P, msg));
        DkimResult strict = verifyOne("v=DKIM1; t=s; p=" + RSA_P, msg);
        assertEquals("permerror", strict.keyword());
        assertEquals("key has t=s, so i= domain mail.example.com must equal d=example.com", strict.reason());
    }

    @Test
    void testingKeyMarksPassAndTurnsFailureIntoNeutral() {
        byte[] msg = signed(rsaSigner(), MESSAGE);
        DkimResult.Pass p = assertInstanceOf(DkimResult.Pass.class, verifyOne("v=DKIM1; t=y; p=" + RSA_P, msg));
        assertTrue(p.testing());
        assertEquals(1024, p.keyBits());
        byte[] tampered = new String(msg, StandardCharsets.ISO_8859_1).replace("Hello.", "Hellp.")
                .getBytes(StandardCharsets.ISO_8859_1);
        DkimResult n = verifyOne("v=DKIM1; t=y; p=" + RSA_P, tampered);
        assertEquals("neutral", n.keyword());
        assertEquals("body hash mismatch (the body was changed after signing); key is in testing mode (t=y)",
                n.reason());
    }

    @Test
    void changedBodyIsBodyHashMismatchAndChangedSubjectFailsTheSignature() {
        byte[] msg = signed(rsaSigner(), MESSAGE);
        String text = new String(msg, StandardCharsets.ISO_8859_1);
        DkimResult body = verifyOne("p=" + RSA_P, text.replace("Hello.", "Hellp.").getBytes(StandardCharsets.ISO_8859_1));
        assertEquals("fail", body.keyword());
        assertEquals("body hash mismatch (the body was changed after signing)", body.reason());
        DkimResult subj = verifyOne("p=" + RSA_P, text.replace("Subject: hi", "Subject: ho").getBytes(StandardCharsets.ISO_8859_1));
        assertEquals("fail", subj.keyword());
        assertTrue(subj.reason().startsWith("signature did not verify"), subj.reason());
    }

    @Test
    void relaxedSignatureSurvivesRefoldingAndWhitespaceChanges() {
        byte[] msg = signed(rsaSigner(), MESSAGE);
        String text = new String(msg, StandardCharsets.ISO_8859_1)
                .replace("Subject: hi", "subject:    hi\r\n\t")
                .replace("Hello.\r\n", "Hello.   \r\n\r\n\r\n");
        assertInstanceOf(DkimResult.Pass.class, verifyOne("p=" + RSA_P, text.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void overSignedFromStopsAnAddedSecondFrom() {
        byte[] msg = signed(rsaSigner(), MESSAGE);
        byte[] added = ("From: Mallory <m@evil.example>\r\n" + new String(msg, StandardCharsets.ISO_8859_1))
                .getBytes(StandardCharsets.ISO_8859_1);
        DkimResult r = verifyOne("p=" + RSA_P, added);
        assertEquals("fail", r.keyword());
    }

    @Test
    void keyRecordFlagsAndTypesAreEnforced() {
        byte[] msg = signed(rsaSigner(), MESSAGE);
        assertEquals("key revoked (empty p= at test._domainkey.example.com)", verifyOne("v=DKIM1; p=", msg).reason());
        assertEquals("key record h=sha1 does not allow sha256", verifyOne("v=DKIM1; h=sha1; p=" + RSA_P, msg).reason());
        assertEquals("pass", verifyOne("v=DKIM1; h=sha1:sha256; s=email; p=" + RSA_P, msg).keyword());
        assertEquals("key type k=ed25519 at test._domainkey.example.com does not match a=rsa-sha256",
                verifyOne("v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=", msg).reason());
        assertEquals("key record, column 8: v= must be the first tag (at test._domainkey.example.com)",
                verifyOne("k=rsa; v=DKIM1; p=" + RSA_P, msg).reason());
        assertEquals("key record, column 14: duplicate tag 'p' (at test._domainkey.example.com)",
                verifyOne("p=" + RSA_P + "; p=" + RSA_P, msg).reason().replaceAll("column \\d+", "column 14"));
    }

    @Test
    void dnsOutcomesMapToPermerrorAndTemperror() throws Exception {
        byte[] msg = signed(rsaSigner(), MESSAGE);
        FixtureResolver nx = FixtureResolver.builder().build();
        assertEquals("no key record: test._domainkey.example.com does not exist (NXDOMAIN)",
                verify(nx, msg, Corpus.CLOCK, DkimPolicy.DEFAULT).get(0).reason());
        FixtureResolver nodata = FixtureResolver.builder().add("test._domainkey.example.com",
                new DnsRecord.A((java.net.Inet4Address) java.net.InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, 1}))).build();
        assertEquals("no key record: no TXT record at test._domainkey.example.com",
                verify(nodata, msg, Corpus.CLOCK, DkimPolicy.DEFAULT).get(0).reason());
        FixtureResolver slow = FixtureResolver.builder().timeout("test._domainkey.example.com").build();
        DkimResult t = verify(slow, msg, Corpus.CLOCK, DkimPolicy.DEFAULT).get(0);
        assertEquals("temperror", t.keyword());
        assertTrue(t.reason().startsWith("key lookup of test._domainkey.example.com failed: timeout"), t.reason());
    }

    @Test
    void everySignatureGetsItsOwnResultInHeaderOrderAndTheKeyIsFetchedOnce() throws Exception {
        DkimKeys ed = DkimKeys.generate(DkimKeys.Type.ED25519, 0);
        byte[] once = signed(rsaSigner(), MESSAGE);
        byte[] m = ((DkimSigner.Signed) DkimSigner.builder("example.com", "ed", ed.privateKey()).clock(Corpus.CLOCK)
                .build().sign(RawMessage.parse(once))).prependTo(once);
        byte[] three = ("DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=test; h=from; bh=AAAA; b=AAAA\r\n"
                + new String(m, StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1);
        FixtureResolver dns = FixtureResolver.builder()
                .add("test._domainkey.example.com", DnsRecord.Txt.of("p=" + RSA_P))
                .add("ed._domainkey.example.com", DnsRecord.Txt.of(ed.keyRecord()))
                .build();
        List<DkimResult> r = verify(dns, three, Corpus.CLOCK, DkimPolicy.DEFAULT);
        assertEquals(List.of("fail", "pass", "pass"), r.stream().map(DkimResult::keyword).toList());
        assertEquals(List.of("rsa-sha256", "ed25519-sha256", "rsa-sha256"),
                r.stream().map(x -> x.signature().algorithm()).toList());
        assertEquals(List.of(0, 1, 2), r.stream().map(x -> x.signature().index()).toList());
        assertEquals(2, dns.queries().size(), "one query per key name: " + dns.queries());
        List<DkimResult> capped = verify(dns, three, Corpus.CLOCK, DkimPolicy.DEFAULT.withMaxSignatures(2));
        assertEquals("policy", capped.get(2).keyword());
        assertEquals("not checked: more than 2 signatures on one message", capped.get(2).reason());
    }

    @Test
    void bodyLengthTagLimitsTheHashAndLongerThanBodyFails() throws Exception {
        String bh5 = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                .digest("Hello".getBytes(StandardCharsets.US_ASCII)));
        byte[] shortL = crafted("v=1; a=rsa-sha256; d=example.com; s=test; l=5; h=from; bh=" + bh5 + "; b=",
                DkimAlgorithm.RSA_SHA256, RSA, MESSAGE + "appended by a list\r\n");
        DkimResult p = verifyOne("p=" + RSA_P, shortL);
        assertEquals("pass", p.keyword(), p.reason());
        assertEquals("signature verified (l= covers only 5 of 28 body octets)", p.reason());
        byte[] longL = crafted("v=1; a=rsa-sha256; d=example.com; s=test; l=500; h=from; bh=BH; b=",
                DkimAlgorithm.RSA_SHA256, RSA, MESSAGE);
        DkimResult f = verifyOne("p=" + RSA_P, longL);
        assertEquals("fail", f.keyword());
        assertEquals("l=500 is larger than the body (8 canonical octets); the body was truncated", f.reason());
    }
}
