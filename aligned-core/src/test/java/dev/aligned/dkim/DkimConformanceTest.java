package dev.aligned.dkim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.dns.DnsResolver;
import dev.aligned.dns.FixtureResolver;
import dev.aligned.mail.RawMessage;
import java.security.PrivateKey;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Conformance: RFC 8463 Appendix A, dkimpy's and mailauth's data sets. */
class DkimConformanceTest {

    private static List<DkimResult> verify(DnsResolver dns, byte[] message) {
        return DkimVerifier.builder(dns).clock(Corpus.CLOCK).build().verify(RawMessage.parse(message));
    }

    @Test
    void rfc8463AppendixAMessagePassesBothEd25519AndRsaSignatures() {
        List<DkimResult> r = verify(Corpus.dnsJson("mailauth/rfc8463-example/dns.json").build(),
                Corpus.bytes("mailauth/rfc8463-example/signed.eml"));
        assertEquals(2, r.size());
        assertEquals("pass", r.get(0).keyword(), r.get(0).reason());
        assertEquals("ed25519-sha256", r.get(0).signature().algorithm());
        assertEquals("brisbane", r.get(0).signature().selector());
        assertEquals("pass", r.get(1).keyword(), r.get(1).reason());
        assertEquals("rsa-sha256", r.get(1).signature().algorithm());
        assertEquals("football.example.com", r.get(1).signature().domain());
    }

    @Test
    void dkimpyRfc6376SignedMessagePassesWithSimpleCanonicalization() {
        FixtureResolver dns = FixtureResolver.builder()
                .addAll(Corpus.dnsJson("mailauth/rfc8463-example/dns.json").build())
                .build();
        // dkimpy's "test" selector is test.txt, the same key as in RFC 8463's dns.json; checked here explicitly.
        FixtureResolver dkimpyKeys = Corpus.keyAt("test._domainkey.football.example.com", "dkimpy/data/test.txt");
        DnsResolver both = (name, type) -> name.name().startsWith("test.") ? dkimpyKeys.lookup(name, type)
                : dns.lookup(name, type);
        List<DkimResult> r = verify(both, Corpus.bytes("dkimpy/data/rfc6376.signed.msg"));
        assertEquals(List.of("pass", "pass"), r.stream().map(DkimResult::keyword).toList(), r.toString());
    }

    @Test
    void eximEd25519SignatureWithCrlfAndOddFoldingPasses() {
        List<DkimResult> r = verify(Corpus.keyAt("sed._domainkey.test.ex", "dkimpy/data/eximtest.dns"),
                Corpus.bytes("dkimpy/data/ed25519test2.msg"));
        assertEquals(1, r.size());
        assertInstanceOf(DkimResult.Pass.class, r.get(0), r.get(0).reason());
    }

    @Test
    void domainWithParenthesisFailsEvenThoughTheRsaMathsHolds() {
        FixtureResolver dns = Corpus.keyAt("test._domainkey.legitimate.com", "dkimpy/data/test.txt");
        List<DkimResult> r = verify(dns, Corpus.bytes("dkimpy/data/test.message.baddomain"));
        assertEquals(1, r.size());
        DkimResult.PermError e = assertInstanceOf(DkimResult.PermError.class, r.get(0));
        assertEquals("DKIM-Signature, line 2, column 18: d=legitimate.com(.attacker.com is not a valid domain"
                + " (character '(')", e.reason());
        assertTrue(dns.queries().isEmpty(), "no DNS query for a malformed d=");
    }

    private static byte[] signTestMessage(String algorithmKey) {
        PrivateKey key = DkimKeys.readPrivateKey(Corpus.text(algorithmKey)).orElseThrow();
        byte[] msg = Corpus.bytes("dkimpy/data/test.message");
        DkimSigner signer = DkimSigner.builder("example.com", "test", key).clock(Corpus.CLOCK).build();
        return ((DkimSigner.Signed) signer.sign(RawMessage.parse(msg))).prependTo(msg);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            test.txt        | pass      | signature verified
            test2.txt       | pass      | signature verified
            badversion.txt  | permerror | key record, column 1: v=DKIM1: g=* is not DKIM1 (at test._domainkey.example.com)
            badk.txt        | permerror | unknown key type k=ed25519-sha256 at test._domainkey.example.com
            test_bad.txt    | permerror | key record at test._domainkey.example.com: p= is not a valid rsa public key
            test_tlsrpt.txt | permerror | key at test._domainkey.example.com is not for e-mail (s=tlsrpt)
            """)
    void dkimpyKeyRecordVariants(String keyFile, String keyword, String reason) {
        byte[] signed = signTestMessage("dkimpy/data/test.private");
        List<DkimResult> r = verify(Corpus.keyAt("test._domainkey.example.com", "dkimpy/data/" + keyFile), signed);
        assertEquals(1, r.size());
        assertEquals(keyword, r.get(0).keyword(), r.get(0).reason());
        assertEquals(reason, r.get(0).reason());
    }

    @ParameterizedTest
    @CsvSource({
            "dkimpy/data/1024_testkey.key, dkimpy/data/1024_testkey_wo_markers.pub.txt",
            "dkimpy/data/1024_testkey.key, dkimpy/data/1024_testkey_wo_markers.pub.rsa.txt",
            "dkimpy/data/2048_testkey.key, dkimpy/data/2048_testkey_wo_markers.pub.txt",
            "dkimpy/data/2048_testkey.key, dkimpy/data/2048_testkey_wo_markers.pub.rsa.txt",
            "dkimpy/data/2048_testkey_PKCS8.key, dkimpy/data/2048_testkey_PKCS8.key.pub.txt",
    })
    void dkimpyKeysInPkcs1AndPkcs8FormsSignAndVerify(String privateKey, String keyRecord) {
        byte[] signed = signTestMessage(privateKey);
        List<DkimResult> r = verify(Corpus.keyAt("test._domainkey.example.com", keyRecord), signed);
        assertInstanceOf(DkimResult.Pass.class, r.get(0), r.get(0).reason());
    }

    @Test
    void dkimpyRawEd25519SeedSignsAndVerifies() {
        byte[] signed = signTestMessage("dkimpy/data/ed25519test.key");
        List<DkimResult> r = verify(Corpus.keyAt("test._domainkey.example.com", "dkimpy/data/ed25519test.dns"),
                signed);
        assertInstanceOf(DkimResult.Pass.class, r.get(0), r.get(0).reason());
        assertEquals("ed25519-sha256", r.get(0).signature().algorithm());
    }

    @Test
    void messageWithoutFromIsRefusedForSigning() {
        PrivateKey key = DkimKeys.readPrivateKey(Corpus.text("dkimpy/data/test.private")).orElseThrow();
        DkimSigner.Outcome o = DkimSigner.builder("example.com", "test", key).build()
                .sign(RawMessage.parse(Corpus.bytes("dkimpy/data/test_nofrom.message")));
        DkimSigner.Refused refused = assertInstanceOf(DkimSigner.Refused.class, o);
        assertTrue(refused.reason().startsWith("the message has no From field"), refused.reason());
    }

    @Test
    void rsa512KeyFromMailauthIsRefusedAsTooShort() throws Exception {
        PrivateKey key = DkimKeys.readPrivateKeyOrProblem(Corpus.text("mailauth/fixtures/private-small.pem"));
        String pub = Corpus.text("mailauth/fixtures/public-small.pem")
                .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        byte[] msg = Corpus.bytes("mailauth/fixtures/message1.eml");
        DkimSigner.Outcome o = DkimSigner.builder("example.com", "small", key).clock(Corpus.CLOCK).build()
                .sign(RawMessage.parse(msg));
        byte[] signed = ((DkimSigner.Signed) o).prependTo(msg);
        FixtureResolver dns = FixtureResolver.builder()
                .add("small._domainkey.example.com", dev.aligned.dns.DnsRecord.Txt.of("v=DKIM1; k=rsa; p=" + pub))
                .build();
        List<DkimResult> r = verify(dns, signed);
        DkimResult.Policy p = assertInstanceOf(DkimResult.Policy.class, r.get(0));
        assertEquals("key too short (512 bits; at least 1024 required, RFC 8301)", p.reason());
        DkimPolicy lenient = DkimPolicy.DEFAULT.withMinRsaBits(512);
        List<DkimResult> r2 = DkimVerifier.builder(dns).clock(Corpus.CLOCK).policy(lenient).build()
                .verify(RawMessage.parse(signed));
        assertInstanceOf(DkimResult.Pass.class, r2.get(0), r2.get(0).reason());
    }

    @Test
    void mailauthRsaAndEd25519FixtureKeysRoundTrip() throws Exception {
        for (String kind : List.of("rsa", "ed25519")) {
            PrivateKey key = DkimKeys.readPrivateKeyOrProblem(Corpus.text("mailauth/fixtures/private-" + kind + ".pem"));
            String pubB64 = Corpus.text("mailauth/fixtures/public-" + kind + ".pem")
                    .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            byte[] spki = java.util.Base64.getDecoder().decode(pubB64);
            String p = kind.equals("rsa") ? pubB64 : java.util.Base64.getEncoder().encodeToString(
                    java.util.Arrays.copyOfRange(spki, spki.length - 32, spki.length));
            byte[] msg = Corpus.bytes("mailauth/fixtures/message1.eml");
            byte[] signed = ((DkimSigner.Signed) DkimSigner.builder("example.com", "fx", key).clock(Corpus.CLOCK)
                    .build().sign(RawMessage.parse(msg))).prependTo(msg);
            FixtureResolver dns = FixtureResolver.builder()
                    .add("fx._domainkey.example.com", dev.aligned.dns.DnsRecord.Txt.of("v=DKIM1; k=" + kind + "; p=" + p))
                    .build();
            List<DkimResult> r = verify(dns, signed);
            assertInstanceOf(DkimResult.Pass.class, r.get(0), kind + ": " + r.get(0).reason());
        }
    }
}
