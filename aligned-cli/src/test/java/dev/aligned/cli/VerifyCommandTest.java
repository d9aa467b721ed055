package dev.aligned.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifyCommandTest {


    static Path resource(String name) throws Exception {
        return Path.of(VerifyCommandTest.class.getResource("/verify/" + name).toURI());
    }

    static CliRun run(String... args) {
        return CliRun.run(args);
    }

    static CliRun verify(String... extra) throws Exception {
        List<String> a = new ArrayList<>(List.of("verify", resource("rfc8463-signed.eml").toString(),
                "--dns", resource("zone.yml").toString(), "--authserv-id", "mx.example.net"));
        a.addAll(List.of(extra));
        return run(a.toArray(String[]::new));
    }

    @Test
    void printsTheAuthenticationResultsHeader() throws Exception {
        CliRun r = verify("--ip", "213.165.64.12", "--mail-from", "joe@football.example.com", "--helo",
                "mail.football.example.com");
        assertEquals(0, r.exit(), r.err());
        assertEquals("""
                Authentication-Results: mx.example.net;
                \tspf=pass (213.165.64.12 is authorised by football.example.com) smtp.mailfrom=joe@football.example.com \
                smtp.helo=mail.football.example.com;
                \tdkim=pass (signature verified) header.d=football.example.com header.i=@football.example.com \
                header.s=brisbane header.a=ed25519-sha256;
                \tdkim=pass (signature verified) header.d=football.example.com header.i=@football.example.com \
                header.s=test header.a=rsa-sha256;
                \tdmarc=pass (p=reject dis=none) header.from=football.example.com policy.dmarc=reject
                """, r.out());
    }

    @Test
    void jsonHoldsEveryResult() throws Exception {
        CliRun r = verify("--ip", "192.0.2.7", "--mail-from", "bounce@football.example.com", "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("softfail", j.get("spf").get("result").asText());
        assertEquals(2, j.get("dkim").size());
        assertEquals("pass", j.get("dkim").get(1).get("result").asText());
        assertEquals("football.example.com", j.get("from").asText());
        assertEquals("pass", j.get("dmarc").get("result").asText());
        assertTrue(j.get("dmarc").get("dkim_aligned").asBoolean());
        assertEquals(false, j.get("dmarc").get("spf_aligned").asBoolean());
        assertTrue(j.get("received_spf").asText().startsWith("Received-SPF: softfail"));
    }

    @Test
    void missingIpIsAUsageErrorThatOffersTheTopmostReceivedAddress(@TempDir Path dir) throws Exception {
        Path msg = dir.resolve("m.eml");
        Files.writeString(msg, "Received: from mail.example.com (mail.example.com [198.51.100.23])\r\n"
                + "\tby mx.example.net with ESMTPS id 1; Sat, 28 Nov 2026 06:00:00 +0000\r\n"
                + "Received: from inner ([10.0.0.1]) by mail.example.com; Sat, 28 Nov 2026 05:59:59 +0000\r\n"
                + "From: a@example.com\r\n\r\nhi\r\n");
        CliRun r = run("verify", msg.toString(), "--dns", resource("zone.yml").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--ip is missing: SPF needs the IP address of the SMTP client that sent the "
                + "message. The topmost Received header names 198.51.100.23; to use it: aligned verify " + msg
                + " --ip 198.51.100.23"), r.err());
    }

    @Test
    void missingIpWithoutReceivedSaysSo() throws Exception {
        CliRun r = verify();
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("No Received header in the message names one."), r.err());
    }

    @Test
    void hostNameIsNotAnIp() throws Exception {
        CliRun r = verify("--ip", "mail.example.com");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--ip: 'mail.example.com' is not an IPv4 or IPv6 address"), r.err());
        assertEquals(2, verify("--ip", "999.1.1.1").exit());
    }

    @Test
    void returnPathIsTheDefaultMailFrom(@TempDir Path dir) throws Exception {
        Path msg = dir.resolve("m.eml");
        Files.writeString(msg, "Return-Path: <joe@football.example.com>\r\n"
                + Files.readString(resource("rfc8463-signed.eml")));
        CliRun r = run("verify", msg.toString(), "--ip", "213.165.64.12", "--dns", resource("zone.yml").toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("note: no --mail-from; using Return-Path <joe@football.example.com>"), r.err());
        assertTrue(r.out().contains("spf=pass"), r.out());
    }

    @Test
    void missingMessageFileIsARuntimeFailure() throws Exception {
        CliRun r = run("verify", "/nonexistent/m.eml", "--ip", "192.0.2.1", "--dns", resource("zone.yml").toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("/nonexistent/m.eml: no such file"), r.err());
    }
}
