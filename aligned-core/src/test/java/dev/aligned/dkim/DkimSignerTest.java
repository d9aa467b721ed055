package dev.aligned.dkim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.DnsType;
import dev.aligned.dns.FixtureResolver;
import dev.aligned.mail.RawMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.interfaces.RSAKey;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DkimSignerTest {
    static final DkimKeys ED = DkimKeys.generate(DkimKeys.Type.ED25519, 0);
    static final DkimKeys RSA = DkimKeys.generate(DkimKeys.Type.RSA, 0);

    static FixtureResolver dns() {
        return FixtureResolver.builder()
                .add("ed._domainkey.example.com", new DnsRecord.Txt(DnsType.TXT,
                        ED.txtStrings().stream().map(s -> s.getBytes(StandardCharsets.US_ASCII)).toList()))
                .add("rsa._domainkey.example.com", new DnsRecord.Txt(DnsType.TXT,
                        RSA.txtStrings().stream().map(s -> s.getBytes(StandardCharsets.US_ASCII)).toList()))
                .build();
    }

    static List<DkimResult> verify(byte[] m) {
        return DkimVerifier.builder(dns()).clock(Corpus.CLOCK).build().verify(RawMessage.parse(m));
    }

    static DkimSigner.Signed sign(DkimSigner.Builder b, byte[] m) {
        return assertInstanceOf(DkimSigner.Signed.class, b.clock(Corpus.CLOCK).build().sign(RawMessage.parse(m)));
    }

    @ParameterizedTest(name = "{0} {1}/{2}")
    @CsvSource({"ed, SIMPLE, SIMPLE", "ed, RELAXED, RELAXED", "ed, SIMPLE, RELAXED", "rsa, RELAXED, SIMPLE",
            "rsa, SIMPLE, SIMPLE", "rsa, RELAXED, RELAXED"})
    void signedMessagesVerify(String kind, Canonicalization hc, Canonicalization bc) {
        DkimKeys k = kind.equals("ed") ? ED : RSA;
        for (byte[] m : List.of(Corpus.bytes("dkimpy/data/test.message"), Corpus.bytes("mailauth/fixtures/message1.eml"),
                Corpus.bytes("dkimpy/data/ed25519test2.msg"), Corpus.bytes("dkimpy/data/message.mbox"))) {
            byte[] signed = sign(DkimSigner.builder("example.com", kind, k.privateKey()).canonicalization(hc, bc), m)
                    .prependTo(m);
            List<DkimResult> r = verify(signed);
            assertInstanceOf(DkimResult.Pass.class, r.get(0), r.get(0).reason());
        }
    }

    @Test
    void defaultSignatureIsRelaxedWithTimestampAndOverSignsFromSubjectToDate() {
        byte[] m = Corpus.bytes("dkimpy/data/test.message");
        String field = sign(DkimSigner.builder("Example.COM", "rsa", RSA.privateKey()), m).field();
        DkimSignature sig = ((DkimSignature.Valid) DkimSignature.parse(field.substring(field.indexOf(':') + 1)))
                .signature();
        assertEquals(Canonicalization.RELAXED, sig.headerCanonicalization());
        assertEquals(Canonicalization.RELAXED, sig.bodyCanonicalization());
        assertEquals("example.com", sig.domain());
        assertEquals(Corpus.CLOCK.instant(), sig.timestamp().orElseThrow());
        assertTrue(sig.expiration().isEmpty());
        assertEquals(List.of("from", "from", "subject", "subject", "date", "date", "to", "to", "message-id"),
                sig.signedHeaders());
        for (String line : field.split("\n")) {
            assertTrue(line.length() <= 78, "line too long: " + line);
        }
    }

    @Test
    void expiryWritesX() {
        byte[] m = Corpus.bytes("dkimpy/data/test.message");
        String field = sign(DkimSigner.builder("example.com", "ed", ED.privateKey()).expiry(Duration.ofDays(7)), m)
                .field();
        assertTrue(field.contains("x=" + Corpus.CLOCK.instant().plus(Duration.ofDays(7)).getEpochSecond() + ";"), field);
    }

    @Test
    void ed25519AndRsaSignaturesOnOneMessageBothPass() {
        byte[] m = Corpus.bytes("dkimpy/data/test.message");
        byte[] once = sign(DkimSigner.builder("example.com", "rsa", RSA.privateKey()), m).prependTo(m);
        byte[] twice = sign(DkimSigner.builder("example.com", "ed", ED.privateKey()), once).prependTo(once);
        List<DkimResult> r = verify(twice);
        assertEquals(List.of("pass", "pass"), r.stream().map(DkimResult::keyword).toList(), r.toString());
        assertEquals(List.of("ed25519-sha256", "rsa-sha256"), r.stream().map(x -> x.signature().algorithm()).toList());
    }

    @Test
    void bareLfMessageIsSignedWithBareLfAndVerifiesEitherWay() {
        byte[] m = "From: a@example.com\nSubject: x\n\nline\n".getBytes(StandardCharsets.US_ASCII);
        DkimSigner.Signed s = sign(DkimSigner.builder("example.com", "ed", ED.privateKey())
                .canonicalization(Canonicalization.SIMPLE, Canonicalization.SIMPLE), m);
        assertEquals("\n", s.lineBreak());
        assertFalse(s.field().contains("\r"));
        byte[] signed = s.prependTo(m);
        assertEquals("pass", verify(signed).get(0).keyword());
        byte[] crlf = new String(signed, StandardCharsets.US_ASCII).replace("\n", "\r\n").getBytes(StandardCharsets.US_ASCII);
        assertEquals("pass", verify(crlf).get(0).keyword());
    }

    @Test
    void builderRejectsCallerMistakesByName() {
        assertEquals("invalid signing domain 'bad domain': character space",
                assertThrows(IllegalArgumentException.class,
                        () -> DkimSigner.builder("bad domain", "s", ED.privateKey())).getMessage());
        assertEquals("rsa-sha1 must not be used to sign (RFC 8301)", assertThrows(IllegalArgumentException.class,
                () -> DkimSigner.builder("example.com", "s", RSA.privateKey()).algorithm(DkimAlgorithm.RSA_SHA1))
                .getMessage());
        assertEquals("algorithm ed25519-sha256 does not suit a RSA key", assertThrows(IllegalArgumentException.class,
                () -> DkimSigner.builder("example.com", "s", RSA.privateKey()).algorithm(DkimAlgorithm.ED25519_SHA256))
                .getMessage());
    }

    @Test
    void generatedKeysHaveTheRightSizeAndPublishableRecords() {
        assertEquals(2048, ((RSAKey) RSA.publicKey()).getModulus().bitLength());
        assertTrue(RSA.keyRecord().startsWith("v=DKIM1; k=rsa; p=MIIBIjAN"));
        assertEquals(2, RSA.txtStrings().size());
        assertEquals(255, RSA.txtStrings().get(0).length());
        assertEquals(RSA.keyRecord(), String.join("", RSA.txtStrings()));
        assertEquals(1, ED.txtStrings().size());
        assertTrue(ED.keyRecord().matches("v=DKIM1; k=ed25519; p=[A-Za-z0-9+/]{43}="), ED.keyRecord());
        assertEquals("sel._domainkey.example.com", ED.dnsName("sel", "example.com"));
        assertEquals("sel._domainkey.example.com. IN TXT ( \"" + ED.keyRecord() + "\" )",
                ED.zoneLine("sel", "example.com"));
        assertThrows(IllegalArgumentException.class, () -> DkimKeys.generate(DkimKeys.Type.RSA, 512));
    }

    @Test
    void privateKeyIsWrittenOwnerOnlyAndReadsBack(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("ed.pem");
        ED.writePrivateKey(p);
        if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
        }
        String pem = Files.readString(p);
        assertTrue(pem.startsWith("-----BEGIN PRIVATE KEY-----\n"));
        assertEquals(ED.privateKey(), DkimKeys.readPrivateKey(pem).orElseThrow());
        assertThrows(FileAlreadyExistsException.class, () -> ED.writePrivateKey(p));
        Path r = dir.resolve("rsa.pem");
        RSA.writePrivateKey(r);
        assertEquals(RSA.privateKey(), DkimKeys.readPrivateKey(Files.readString(r)).orElseThrow());
    }

    @Test
    void unreadableKeysSayWhy() {
        assertTrue(DkimKeys.readPrivateKey("not a key").isEmpty());
        assertEquals("unsupported PEM type 'ENCRYPTED PRIVATE KEY' (expected PRIVATE KEY or RSA PRIVATE KEY;"
                + " encrypted keys must be decrypted first)", assertThrows(java.security.GeneralSecurityException.class,
                () -> DkimKeys.readPrivateKeyOrProblem("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n"
                        + "-----END ENCRYPTED PRIVATE KEY-----")).getMessage());
    }
}
