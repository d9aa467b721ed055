package dev.aligned.dkim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.DnsResolver;
import dev.aligned.dns.DnsType;
import dev.aligned.dns.FixtureResolver;
import dev.aligned.dns.dnsjava.DnsjavaResolver;
import dev.aligned.mail.RawMessage;
import dev.aligned.testing.NsdServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interoperability with dkimpy (Debian python3-dkim) and OpenDKIM (Debian opendkim-tools), both directions,
 * and Aligned verifying keys served by a real nsd. Part of the normal suite; when a tool is missing the test is
 * skipped with the reason, unless the environment variable CI is set, in which case it fails.
 */
@Tag("interop")
class DkimInteropTest {
    static final Path PYTHON = Path.of("/usr/bin/python3");
    static final Path OPENDKIM = Path.of("/usr/sbin/opendkim-testmsg");
    static final Path UNSHARE = Path.of("/usr/bin/unshare");
    static final String DOMAIN = "example.com";
    static final PrivateKey RSA1024 = DkimKeys.readPrivateKey(Corpus.text("dkimpy/data/test.private")).orElseThrow();
    static final String RSA1024_RECORD = Corpus.text("dkimpy/data/test.txt").strip();
    static final DkimKeys ED = DkimKeys.generate(DkimKeys.Type.ED25519, 0);
    static final DkimKeys RSA2048 = DkimKeys.generate(DkimKeys.Type.RSA, 2048);

    record Result(int exit, String out, String err) {
    }

    static void require(boolean present, String why) {
        if (!present) {
            if (System.getenv("CI") != null) {
                throw new AssertionError(why + "; CI is set, so this is a failure, not a skip");
            }
            Assumptions.assumeTrue(false, why);
        }
    }

    static void requireDkimpy() throws Exception {
        require(Files.isExecutable(PYTHON), "/usr/bin/python3 is missing (Debian: apt-get install python3-dkim)");
        require(run(null, PYTHON.toString(), "-c", "import dkim").exit() == 0,
                "dkimpy is not installed for /usr/bin/python3 (Debian: apt-get install python3-dkim)");
    }

    static void requireOpendkim() {
        require(Files.isExecutable(OPENDKIM), "opendkim-testmsg is missing (Debian: apt-get install opendkim-tools)");
    }

    static Result run(byte[] stdin, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).start();
        if (stdin != null) {
            try (var in = p.getOutputStream()) {
                in.write(stdin);
            }
        } else {
            p.getOutputStream().close();
        }
        var out = new java.io.ByteArrayOutputStream();
        var err = new java.io.ByteArrayOutputStream();
        Thread t = Thread.ofVirtual().start(() -> {
            try (InputStream e = p.getErrorStream()) {
                e.transferTo(err);
            } catch (IOException ignored) {
                // the process ended
            }
        });
        try (InputStream o = p.getInputStream()) {
            o.transferTo(out);
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", command));
        }
        t.join();
        return new Result(p.exitValue(), out.toString(StandardCharsets.ISO_8859_1), err.toString(StandardCharsets.UTF_8));
    }

    static Path script(Path dir, String name) throws IOException {
        Path p = dir.resolve(name);
        try (InputStream in = DkimInteropTest.class.getResourceAsStream("/interop/" + name)) {
            Files.write(p, in.readAllBytes());
        }
        return p;
    }

    static byte[] crlfMessage() {
        return new String(Corpus.bytes("dkimpy/data/test.message"), StandardCharsets.ISO_8859_1)
                .replace("\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] alignedSign(PrivateKey key, String selector, Canonicalization c, byte[] msg) {
        DkimSigner.Outcome o = DkimSigner.builder(DOMAIN, selector, key).canonicalization(c, c).build()
                .sign(RawMessage.parse(msg));
        return ((DkimSigner.Signed) o).prependTo(msg);
    }

    static List<DkimResult> alignedVerify(DnsResolver dns, byte[] msg, DkimPolicy policy) {
        return DkimVerifier.builder(dns).policy(policy).build().verify(RawMessage.parse(msg));
    }

    static FixtureResolver keys() {
        return FixtureResolver.builder()
                .add("rsa._domainkey.example.com", DnsRecord.Txt.of(RSA1024_RECORD))
                .add("ed._domainkey.example.com", DnsRecord.Txt.of(ED.keyRecord()))
                .add("big._domainkey.example.com", new DnsRecord.Txt(DnsType.TXT, RSA2048.txtStrings().stream()
                        .map(s -> s.getBytes(StandardCharsets.US_ASCII)).toList()))
                .build();
    }

    @Test
    void whatAlignedSignsDkimpyVerifies(@TempDir Path dir) throws Exception {
        requireDkimpy();
        Path helper = script(dir, "dkimpy_interop.py");
        Path keyFile = dir.resolve("keys");
        Files.writeString(keyFile, "rsa._domainkey.example.com\t" + RSA1024_RECORD + "\n"
                + "ed._domainkey.example.com\t" + ED.keyRecord() + "\n"
                + "big._domainkey.example.com\t" + RSA2048.keyRecord() + "\n");
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (byte[] msg : List.of(crlfMessage(), Corpus.bytes("dkimpy/data/test.message"),
                Corpus.bytes("mailauth/fixtures/message1.eml"))) {
            for (Canonicalization c : Canonicalization.values()) {
                byte[] once = alignedSign(RSA1024, "rsa", c, msg);
                byte[] twice = alignedSign(ED.privateKey(), "ed", c, once);
                byte[] thrice = alignedSign(RSA2048.privateKey(), "big", c, twice);
                Path m = Files.write(dir.resolve("m" + checked + ".eml"), thrice);
                Result r = run(null, PYTHON.toString(), helper.toString(), "verify", m.toString(), keyFile.toString());
                checked++;
                if (!r.out().equals("pass\npass\npass\n")) {
                    failures.add(c + " message " + checked + ": " + r.out().replace("\n", " ") + r.err());
                }
            }
        }
        assertEquals(List.of(), failures);
        assertEquals(6, checked);
    }

    @Test
    void whatDkimpySignsAlignedVerifies(@TempDir Path dir) throws Exception {
        requireDkimpy();
        Path helper = script(dir, "dkimpy_interop.py");
        Path rsaKey = Files.write(dir.resolve("rsa.key"), Corpus.bytes("dkimpy/data/test.private"));
        Path edKey = Files.write(dir.resolve("ed.key"), Corpus.bytes("dkimpy/data/ed25519test.key"));
        FixtureResolver dns = FixtureResolver.builder()
                .add("rsa._domainkey.example.com", DnsRecord.Txt.of(RSA1024_RECORD))
                .add("ed._domainkey.example.com", DnsRecord.Txt.of(Corpus.text("dkimpy/data/ed25519test.dns").strip()))
                .build();
        for (byte[] msg : List.of(crlfMessage(), Corpus.bytes("mailauth/fixtures/message1.eml"))) {
            Path m = Files.write(dir.resolve("in.eml"), msg);
            Result rsa = run(null, PYTHON.toString(), helper.toString(), "sign", m.toString(), "rsa", DOMAIN,
                    rsaKey.toString(), "rsa-sha256");
            assertEquals(0, rsa.exit(), rsa.err());
            Path m2 = Files.write(dir.resolve("rsa.eml"), rsa.out().getBytes(StandardCharsets.ISO_8859_1));
            Result both = run(null, PYTHON.toString(), helper.toString(), "sign", m2.toString(), "ed", DOMAIN,
                    edKey.toString(), "ed25519-sha256");
            assertEquals(0, both.exit(), both.err());
            List<DkimResult> r = alignedVerify(dns, both.out().getBytes(StandardCharsets.ISO_8859_1), DkimPolicy.DEFAULT);
            assertEquals(List.of("pass", "pass"), r.stream().map(DkimResult::keyword).toList(), r.toString());
            assertEquals(List.of("ed25519-sha256", "rsa-sha256"), r.stream().map(x -> x.signature().algorithm()).toList());
        }
    }

    @Test
    void whatOpendkimSignsAlignedVerifies(@TempDir Path dir) throws Exception {
        requireOpendkim();
        Path key = Files.write(dir.resolve("rsa.key"), Corpus.bytes("dkimpy/data/test.private"));
        Result s = run(crlfMessage(), OPENDKIM.toString(), "-C", "-d", DOMAIN, "-s", "rsa", "-k", key.toString());
        assertEquals(0, s.exit(), s.err());
        byte[] signed = s.out().getBytes(StandardCharsets.ISO_8859_1);
        List<DkimResult> byDefault = alignedVerify(keys(), signed, DkimPolicy.DEFAULT);
        // opendkim-testmsg signs with rsa-sha1 (its default); RFC 8301 makes Aligned refuse that unless told to
        assertEquals("rsa-sha1", byDefault.get(0).signature().algorithm());
        assertInstanceOf(DkimResult.Policy.class, byDefault.get(0));
        List<DkimResult> lenient = alignedVerify(keys(), signed, DkimPolicy.DEFAULT.withAcceptRsaSha1(true));
        assertInstanceOf(DkimResult.Pass.class, lenient.get(0), lenient.get(0).reason());
    }

    static String zone(DkimKeys... extra) {
        List<String> records = new ArrayList<>();
        records.add("rsa._domainkey IN TXT \"" + RSA1024_RECORD + "\"");
        records.add("ed._domainkey IN TXT \"" + ED.keyRecord() + "\"");
        records.add("big._domainkey IN TXT " + String.join(" ", RSA2048.txtStrings().stream()
                .map(x -> "\"" + x + "\"").toList()));
        return NsdServer.zone(DOMAIN, records.toArray(String[]::new));
    }

    @Test
    void whatAlignedSignsOpendkimVerifiesWithKeysFromNsd(@TempDir Path dir) throws Exception {
        requireOpendkim();
        require(Files.isExecutable(UNSHARE), "unshare is missing (Debian: util-linux)");
        require(Files.isExecutable(Path.of(System.getenv().getOrDefault("ALIGNED_NSD", "/usr/sbin/nsd"))),
                "nsd is missing (Debian: apt-get install nsd)");
        require(run(null, UNSHARE.toString(), "-rmn", "true").exit() == 0,
                "user namespaces are not permitted here (needed to give opendkim a private resolv.conf)");
        Path helper = script(dir, "opendkim_verify.sh");
        Path zoneFile = Files.writeString(dir.resolve("example.com.zone"), zone());
        int n = 0;
        for (Canonicalization c : Canonicalization.values()) {
            for (String sel : List.of("rsa", "big", "ed")) {
                PrivateKey k = switch (sel) {
                    case "rsa" -> RSA1024;
                    case "big" -> RSA2048.privateKey();
                    default -> ED.privateKey();
                };
                byte[] signed = alignedSign(k, sel, c, crlfMessage());
                Path m = Files.write(dir.resolve("m" + (n++) + ".eml"), signed);
                Result r = run(null, UNSHARE.toString(), "-rmn", "sh", helper.toString(), DOMAIN, zoneFile.toString(),
                        m.toString());
                assertEquals(0, r.exit(), sel + " " + c + ": " + r.err());
                byte[] tampered = new String(signed, StandardCharsets.ISO_8859_1).replace("Subject: Testing",
                        "Subject: Tasting").getBytes(StandardCharsets.ISO_8859_1);
                Path t = Files.write(dir.resolve("t" + n + ".eml"), tampered);
                Result bad = run(null, UNSHARE.toString(), "-rmn", "sh", helper.toString(), DOMAIN,
                        zoneFile.toString(), t.toString());
                assertNotEquals(0, bad.exit(), "opendkim accepted a changed Subject: " + bad.err());
            }
        }
    }

    @Test
    void alignedVerifiesWithKeysServedByNsd() throws Exception {
        byte[] msg = crlfMessage();
        byte[] signed = alignedSign(RSA2048.privateKey(), "big", Canonicalization.RELAXED, msg);
        signed = alignedSign(ED.privateKey(), "ed", Canonicalization.SIMPLE, signed);
        signed = ("DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=gone; h=from; bh=AAAA; b=AAAA\r\n"
                + new String(signed, StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1);
        try (NsdServer nsd = NsdServer.start(Map.of(DOMAIN, zone()))) {
            DnsResolver dns = DnsjavaResolver.builder().server(nsd.address()).build();
            List<DkimResult> r = alignedVerify(dns, signed, DkimPolicy.DEFAULT);
            assertEquals(List.of("permerror", "pass", "pass"), r.stream().map(DkimResult::keyword).toList(), r.toString());
            assertEquals("no key record: gone._domainkey.example.com does not exist (NXDOMAIN)", r.get(0).reason());
        }
    }

    @Test
    void ed25519SeedFromAlignedKeyIsTheRawFormDkimpyUses() {
        byte[] pkcs8 = ED.privateKey().getEncoded();
        String seed = Base64.getEncoder().encodeToString(Arrays.copyOfRange(pkcs8, pkcs8.length - 32, pkcs8.length));
        assertEquals(ED.privateKey(), DkimKeys.readPrivateKey(seed).orElseThrow());
    }
}
