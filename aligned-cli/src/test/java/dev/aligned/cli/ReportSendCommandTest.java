package dev.aligned.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code aligned report record} and {@code aligned report send}, with fixture DNS and a dry run. */
class ReportSendCommandTest {
    @TempDir
    Path tmp;

    static Path resource(String name) throws Exception {
        return Path.of(ReportSendCommandTest.class.getResource("/reporting/" + name).toURI());
    }

    CliRun record(String db, String ip, String at) throws Exception {
        return CliRun.run("report", "record", resource("message.eml").toString(), "--ip", ip, "--mail-from",
                "alice@example.com", "--rcpt-to", "bob@receiver.example", "--at", at, "--db", db, "--dns",
                resource("zone.yml").toString());
    }

    @Test
    void recordedEvaluationsBecomeAReportWrittenByADryRun() throws Exception {
        String db = tmp.resolve("a.db").toString();
        CliRun pass = record(db, "192.0.2.10", "2026-11-20T10:15:00Z");
        assertEquals(0, pass.exit(), pass.err());
        assertEquals("Recorded example.com: dmarc=pass (dkim not aligned, spf aligned), disposition none, policy "
                + "domain example.com, day 2026-11-20, in " + db + "\n", pass.out());
        assertEquals(0, record(db, "192.0.2.10", "2026-11-20T11:00:00Z").exit());
        CliRun fail = record(db, "198.51.100.7", "2026-11-20T12:00:00Z");
        assertTrue(fail.out().contains("dmarc=fail"), fail.out());
        Path out = tmp.resolve("out");
        CliRun r = CliRun.run("reports", "send", "--config", resource("aligned.yaml").toString(), "--db", db,
                "--dns", resource("zone.yml").toString(), "--dry-run", out.toString(), "--period", "2026-11-20");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("Aggregate reports for 2026-11-20 (UTC)\n  example.com  report 20261120"),
                r.out());
        assertTrue(r.out().contains("  2 records  3 messages  "), r.out());
        assertTrue(r.out().contains("    mailto:dmarc@example.com  queued\n"), r.out());
        assertTrue(r.out().contains("    mailto:agg@reports.example.net  queued\n"), r.out());
        assertTrue(r.out().contains("    mailto:x@unauthorised.example  skipped: external destination "
                + "unauthorised.example has not authorised reports"), r.out());
        assertTrue(r.out().endsWith("Dry run: reports and messages written to " + out
                + " (nothing mailed, nothing recorded).\n"), r.out());
        try (Stream<Path> files = Files.list(out)) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(3, names.size(), names::toString);
            assertTrue(names.get(2).matches("receiver\\.example!example\\.com!1795132800!1795219199!20261120"
                    + "[0-9a-f]{16}\\.xml\\.gz"), names::toString);
        }
        // a dry run records nothing: the same day can be sent for real later
        CliRun again = CliRun.run("report", "send", "--config", resource("aligned.yaml").toString(), "--db", db,
                "--dns", resource("zone.yml").toString(), "--dry-run", tmp.resolve("out2").toString(), "--json",
                "--period", "2026-11-20");
        assertEquals(0, again.exit(), again.err());
        assertEquals("generated", again.json().get("reports").get(0).get("status").asText());
        assertEquals(3, again.json().get("reports").get(0).get("messages").asInt());
    }

    @Test
    void withoutSmtpOrDryRunItSaysWhatToConfigure() throws Exception {
        CliRun r = CliRun.run("report", "send", "--config", resource("aligned.yaml").toString(), "--db",
                tmp.resolve("b.db").toString());
        assertEquals(2, r.exit());
        assertEquals("aligned report send: reporting.smtp is not configured in " + resource("aligned.yaml")
                + "; add host, user and password (docs/receiver.md), or try --dry-run DIR\n", r.err());
    }

    @Test
    void aBadPeriodIsAUsageError() throws Exception {
        CliRun r = CliRun.run("report", "send", "--config", resource("aligned.yaml").toString(), "--period", "20.11.");
        assertEquals(2, r.exit());
        assertTrue(r.err().startsWith("--period: '20.11.' is not a date; write YYYY-MM-DD"), r.err());
    }

    @Test
    void aMessageWithoutDmarcRecordIsNotRecorded() throws Exception {
        Path msg = tmp.resolve("m.eml");
        Files.writeString(msg, "From: a@nodmarc.example\r\nSubject: x\r\n\r\nx\r\n");
        CliRun r = CliRun.run("report", "record", msg.toString(), "--ip", "192.0.2.1", "--db",
                tmp.resolve("c.db").toString(), "--dns", resource("zone.yml").toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("Not recorded: none ("), r.out());
    }
}
