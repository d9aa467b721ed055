package dev.aligned.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DkimCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String RFC8463_ZONE = """
            brisbane._domainkey.football.example.com. 300 IN TXT "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
            test._domainkey.football.example.com. 300 IN TXT "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWR" "iGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutAC" "DfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3" "Ip3G+2kryOTIKT+l/K4w3QIDAQAB"
            """;


    static CliRun run(String... args) {
        return CliRun.run(args);
    }

    static Path resource(Path dir, String path) throws IOException {
        try (InputStream in = DkimCommandTest.class.getResourceAsStream("/corpora/dkim/" + path)) {
            Path p = dir.resolve(Path.of(path).getFileName().toString());
            Files.write(p, in.readAllBytes());
            return p;
        }
    }

    @Test
    void verifyPrintsJsonForTheRfc8463Message(@TempDir Path dir) throws IOException {
        Path zone = Files.writeString(dir.resolve("football.example.com.zone"), RFC8463_ZONE);
        Path msg = resource(dir, "mailauth/rfc8463-example/signed.eml");
        CliRun r = run("dkim", "verify", msg.toString(), "--dns", zone.toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        assertEquals("{\"signatures\":[{\"d\":\"football.example.com\",\"s\":\"brisbane\",\"a\":\"ed25519-sha256\","
                + "\"result\":\"pass\",\"reason\":\"signature verified\"},{\"d\":\"football.example.com\",\"s\":\"test\","
                + "\"a\":\"rsa-sha256\",\"result\":\"pass\",\"reason\":\"signature verified\"}]}\n", r.out());
    }

    @Test
    void verifyHumanOutputIsAlignedAndSaysWhatToDoNext(@TempDir Path dir) throws IOException {
        Path zone = Files.writeString(dir.resolve("football.example.com.zone"), RFC8463_ZONE.lines().skip(1)
                .findFirst().orElseThrow() + "\n");
        Path msg = resource(dir, "mailauth/rfc8463-example/signed.eml");
        CliRun r = run("dkim", "verify", msg.toString(), "--dns", zone.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("""
                permerror  d=football.example.com s=brisbane a=ed25519-sha256  no key record: \
                brisbane._domainkey.football.example.com does not exist (NXDOMAIN)
                pass       d=football.example.com s=test a=rsa-sha256          signature verified
                next: publish the key record (aligned dkim keygen prints it), or test it first with --dns FILE
                """, r.out());
    }

    @Test
    void verifyOfAMaildirPrintsOneJsonLinePerMessage(@TempDir Path dir) throws IOException {
        Path zone = Files.writeString(dir.resolve("football.example.com.zone"), RFC8463_ZONE);
        Path maildir = dir.resolve("Maildir");
        Files.createDirectories(maildir.resolve("cur"));
        Files.createDirectories(maildir.resolve("new"));
        Files.createDirectories(maildir.resolve("tmp"));
        Files.copy(resource(dir, "mailauth/rfc8463-example/signed.eml"), maildir.resolve("cur/1.host:2,S"));
        Files.copy(resource(dir, "dkimpy/data/test.message"), maildir.resolve("new/2.host"));
        CliRun r = run("dkim", "verify", maildir.toString(), "--dns", zone.toString(), "--json", "--at", "1700000000");
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(2, lines.size());
        JsonNode first = JSON.readTree(lines.get(0));
        assertEquals(maildir.resolve("cur/1.host:2,S").toString(), first.get("source").asText());
        assertEquals(2, first.get("signatures").size());
        assertEquals("{\"source\":\"" + maildir.resolve("new/2.host") + "\",\"signatures\":[]}", lines.get(1));
    }

    @Test
    void signThenVerifyWithAKeyFromKeygen(@TempDir Path dir) throws IOException {
        for (String alg : List.of("ed25519", "rsa")) {
            CliRun k = run("dkim", "keygen", "--domain", "Example.com", "--selector", alg, "--algorithm", alg, "--out",
                    dir.toString(), "--json");
            assertEquals(0, k.exit(), k.err());
            JsonNode j = JSON.readTree(k.out());
            assertEquals(alg + "._domainkey.example.com", j.get("name").asText());
            Path key = Path.of(j.get("privateKeyFile").asText());
            if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
            }
            StringBuilder txt = new StringBuilder(j.get("name").asText() + ". IN TXT");
            j.get("txt").forEach(s -> txt.append(" \"").append(s.asText()).append('"'));
            Path zone = Files.writeString(dir.resolve(alg + ".zone"), txt + "\n");
            Path msg = resource(dir, "dkimpy/data/test.message");
            CliRun s = run("dkim", "sign", msg.toString(), "--domain", "example.com", "--selector", alg, "--key",
                    key.toString());
            assertEquals(0, s.exit(), s.err());
            assertTrue(s.out().startsWith("DKIM-Signature: v=1; a=" + alg + "-sha256; c=relaxed/relaxed;"), s.out());
            Path signed = Files.writeString(dir.resolve(alg + ".eml"), s.out(), StandardCharsets.ISO_8859_1);
            CliRun v = run("dkim", "verify", signed.toString(), "--dns", zone.toString(), "--json");
            assertEquals("pass", JSON.readTree(v.out()).get("signatures").get(0).get("result").asText(), v.out());
        }
    }

    @Test
    void keygenPrintsTheRecordAndTheNextStep(@TempDir Path dir) {
        CliRun k = run("dkim", "keygen", "--domain", "example.com", "--selector", "s1", "--out", dir.toString());
        assertEquals(0, k.exit(), k.err());
        List<String> lines = k.out().lines().toList();
        assertEquals("Private key  " + dir.resolve("s1._domainkey.example.com.pem") + "  (owner-only; keep it secret)",
                lines.get(0));
        assertEquals("Publish      s1._domainkey.example.com  TXT", lines.get(1));
        assertTrue(lines.get(2).startsWith("Zone line    s1._domainkey.example.com. IN TXT ( \"v=DKIM1; k=rsa; p=MIIB"));
        assertTrue(lines.get(3).startsWith("Next         aligned dkim sign MESSAGE --domain example.com"));
        CliRun again = run("dkim", "keygen", "--domain", "example.com", "--selector", "s1", "--out", dir.toString());
        assertEquals(1, again.exit());
        assertTrue(again.err().contains("exists; refusing to overwrite a key"), again.err());
    }

    @Test
    void usageErrorsExitWithTwoAndNameTheProblem(@TempDir Path dir) {
        CliRun bad = run("dkim", "keygen", "--domain", "exa mple.com", "--selector", "s", "--out", dir.toString());
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("--domain exa mple.com: character space"), bad.err());
        CliRun bits = run("dkim", "keygen", "--domain", "example.com", "--selector", "s", "--bits", "512");
        assertEquals(2, bits.exit());
        assertTrue(bits.err().contains("--bits must be 1024 to 8192, not 512"), bits.err());
        CliRun missing = run("dkim", "verify", dir.resolve("nope.eml").toString());
        assertEquals(1, missing.exit());
        assertTrue(missing.err().contains("nope.eml: no such file"), missing.err());
    }

    @Test
    void signRefusesAMessageWithoutFrom(@TempDir Path dir) throws IOException {
        Path key = resource(dir, "dkimpy/data/test.private");
        Path msg = resource(dir, "dkimpy/data/test_nofrom.message");
        CliRun s = run("dkim", "sign", msg.toString(), "--domain", "example.com", "--selector", "test", "--key",
                key.toString());
        assertEquals(1, s.exit());
        assertTrue(s.err().contains("the message has no From field"), s.err());
        assertEquals("", s.out());
    }
}
