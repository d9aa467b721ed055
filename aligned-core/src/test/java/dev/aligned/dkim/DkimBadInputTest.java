package dev.aligned.dkim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.FixtureResolver;
import dev.aligned.mail.RawMessage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Malformed messages, signatures and key records: always a result, never an exception. */
class DkimBadInputTest {
    static final FixtureResolver DNS = FixtureResolver.builder()
            .add("test._domainkey.example.com", DnsRecord.Txt.of(Corpus.text("dkimpy/data/test.txt").strip()))
            .build();

    static List<DkimResult> verify(byte[] msg) {
        return DkimVerifier.builder(DNS).clock(Corpus.CLOCK).build().verify(RawMessage.parse(msg));
    }

    static byte[] signedSample() {
        byte[] m = DkimVerifierTest.MESSAGE.getBytes(StandardCharsets.US_ASCII);
        return ((DkimSigner.Signed) DkimVerifierTest.rsaSigner().build().sign(RawMessage.parse(m))).prependTo(m);
    }

    @Test
    void duplicateTagInSignatureIsPermerrorWithItsPosition() {
        byte[] m = ("DKIM-Signature: v=1; a=rsa-sha256; d=example.com; d=evil.example; s=test; h=from; bh=AAAA;"
                + " b=AAAA\r\n" + DkimVerifierTest.MESSAGE).getBytes(StandardCharsets.US_ASCII);
        DkimResult r = verify(m).get(0);
        assertEquals("permerror", r.keyword());
        assertEquals("DKIM-Signature, column 36: duplicate tag 'd'", r.reason());
    }

    @Test
    void missingTagsUnknownAlgorithmAndBadBase64AreNamed() {
        assertEquals("DKIM-Signature: required tag bh= is missing",
                reason("v=1; a=rsa-sha256; d=example.com; s=test; h=from; b=AAAA"));
        assertEquals("DKIM-Signature, column 7: unknown algorithm a=rsa-md5",
                reason("v=1; a=rsa-md5; d=example.com; s=test; h=from; bh=AAAA; b=AAAA"));
        assertEquals("DKIM-Signature, column 2: unsupported version v=2 (expected 1)",
                reason("v=2; a=rsa-sha256; d=example.com; s=test; h=from; bh=AAAA; b=AAAA"));
        assertEquals("DKIM-Signature, column 61: b= is not valid base64",
                reason("v=1; a=rsa-sha256; d=example.com; s=test; h=from; bh=AAAA; b=@@@"));
        assertEquals("DKIM-Signature, column 36: unknown canonicalization c=fancy (expected simple or relaxed,"
                + " e.g. c=relaxed/relaxed)", reason("v=1; a=rsa-sha256; d=example.com; c=fancy; s=test; h=from;"
                + " bh=AAAA; b=AAAA"));
        assertEquals("DKIM-Signature, column 44: l=-5 is not a number",
                reason("v=1; a=rsa-sha256; d=example.com; s=test; l=-5; h=from; bh=AAAA; b=AAAA"));
    }

    static String reason(String tags) {
        return verify(("DKIM-Signature: " + tags + "\r\n" + DkimVerifierTest.MESSAGE).getBytes(StandardCharsets.US_ASCII))
                .get(0).reason();
    }

    @Test
    void eightBitBytesInTheSignatureArePermerror() {
        byte[] m = ("DKIM-Signature: v=1; a=rsa-sha256; d=ex\u00e4mple.com; s=test; h=from; bh=AAAA; b=AAAA\r\n"
                + DkimVerifierTest.MESSAGE).getBytes(StandardCharsets.ISO_8859_1);
        DkimResult r = verify(m).get(0);
        assertEquals("permerror", r.keyword());
        assertEquals("DKIM-Signature, column 25: character U+00E4 is not allowed in the value of tag 'd'", r.reason());
    }

    @Test
    void eightBitBytesInTheSignedHeaderAndBodyStillVerify() {
        String msg = "From: J\u00f6e <joe@example.com>\r\nSubject: caf\u00e9\r\n\r\n\u00ff\u00fe\r\n";
        byte[] m = msg.getBytes(StandardCharsets.ISO_8859_1);
        byte[] signed = ((DkimSigner.Signed) DkimVerifierTest.rsaSigner().build().sign(RawMessage.parse(m))).prependTo(m);
        assertEquals("pass", verify(signed).get(0).keyword());
    }

    @Test
    void truncatedSignedMessageFailsWithBodyHashMismatch() {
        byte[] s = signedSample();
        byte[] cut = java.util.Arrays.copyOf(s, s.length - 4);
        assertEquals("body hash mismatch (the body was changed after signing)", verify(cut).get(0).reason());
        String text = new String(s, StandardCharsets.US_ASCII);
        byte[] headerOnly = text.substring(0, text.indexOf("\r\n\r\n") - 3).getBytes(StandardCharsets.US_ASCII);
        DkimResult r = verify(headerOnly).get(0);
        assertEquals("fail", r.keyword(), r.reason());
    }

    @Test
    void giantHeaderBeyondTheLimitIsPermerrorNotACrash() throws Exception {
        String big = "X-Big: " + "a".repeat(2 << 20) + "\r\n";
        byte[] s = signedSample();
        byte[] m = (big + new String(s, StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII);
        List<DkimResult> r = DkimVerifier.builder(DNS).clock(Corpus.CLOCK).build()
                .verify(new java.io.ByteArrayInputStream(m));
        // the signature field itself lies beyond the limit, so there is no signature to report
        assertTrue(r.isEmpty(), r.toString());
        byte[] after = (new String(s, StandardCharsets.US_ASCII).replace("\r\n\r\n", "\r\n" + big + "\r\n"))
                .getBytes(StandardCharsets.US_ASCII);
        List<DkimResult> r2 = DkimVerifier.builder(DNS).clock(Corpus.CLOCK).build()
                .verify(new java.io.ByteArrayInputStream(after));
        assertEquals("permerror", r2.get(0).keyword());
        assertTrue(r2.get(0).reason().startsWith("the header section exceeds the reader's limit"));
    }

    @Test
    void headerLineWithoutColonDoesNotStopVerification() {
        String s = new String(signedSample(), StandardCharsets.US_ASCII).replace("To: ", "garbage line\r\nTo: ");
        assertEquals("pass", verify(s.getBytes(StandardCharsets.US_ASCII)).get(0).keyword());
    }

    @Test
    void messageWithoutSignaturesGivesNoResults() {
        assertTrue(verify(DkimVerifierTest.MESSAGE.getBytes(StandardCharsets.US_ASCII)).isEmpty());
        assertTrue(verify(new byte[0]).isEmpty());
    }

    @Property(tries = 300)
    void mutatedSignedMessagesNeverThrow(@ForAll @IntRange(min = 0, max = 2000) int at, @ForAll byte value) {
        byte[] s = signedSample();
        s[at % s.length] = value;
        List<DkimResult> r = verify(s);
        for (DkimResult x : r) {
            assertTrue(!x.reason().isEmpty());
        }
    }

    @Property(tries = 300)
    void arbitrarySignatureValuesNeverThrow(@ForAll String value) {
        byte[] m = ("DKIM-Signature:" + value.replace("\n", "\n ").replace("\r", "") + "\r\n" + DkimVerifierTest.MESSAGE)
                .getBytes(StandardCharsets.UTF_8);
        for (DkimResult r : verify(m)) {
            assertTrue(!r.reason().isEmpty());
        }
    }

    @Property(tries = 300)
    void arbitraryKeyRecordsNeverThrow(@ForAll String record) {
        switch (DkimKeyRecord.parse(record)) {
            case DkimKeyRecord.Valid v -> assertTrue(v.record().keyType() != null);
            case DkimKeyRecord.Invalid i -> assertTrue(i.reason().startsWith("key record"));
        }
    }
}
