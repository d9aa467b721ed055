package dev.aligned.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code aligned serve} with a {@code reporting:} section runs the report scheduler as one of its components. */
class ServeReportingTest {
    @TempDir
    Path tmp;

    static long xmlGz(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".xml.gz")).count();
        }
    }

    @Test
    void serveSendsTheReportsOfFinishedDaysThroughItsScheduler() throws Exception {
        String db = tmp.resolve("serve.db").toString();
        // two days ago: finished whatever the time of day the test runs
        String at = Instant.now().minus(Duration.ofDays(2)).truncatedTo(ChronoUnit.SECONDS).toString();
        CliRun rec = CliRun.run("report", "record", ReportSendCommandTest.resource("message.eml").toString(), "--ip",
                "192.0.2.10", "--mail-from", "alice@example.com", "--at", at, "--db", db, "--dns",
                ReportSendCommandTest.resource("zone.yml").toString());
        assertEquals(0, rec.exit(), rec.err());
        Path out = tmp.resolve("out");
        Path cfg = tmp.resolve("aligned.yaml");
        Files.createDirectories(tmp.resolve("spool"));
        Files.writeString(cfg, "directories:\n  - spool\nreporting:\n  org_name: Receiver Example\n"
                + "  email: dmarc-reports@receiver.example\n  dry_run: out\n");
        ServeCommandTest.Serving s = ServeCommandTest.Serving.start(Map.of(), "serve", "--no-web", "--config", cfg.toString(),
                "--db", db, "--dns", ReportSendCommandTest.resource("zone.yml").toString());
        try {
            assertTrue(s.out().toString().contains("  reports as Receiver Example <dmarc-reports@receiver.example>: "
                    + "aggregate daily (UTC), failure reports off, via dry run to " + out), s.out().toString());
            s.await(() -> {
                try {
                    return xmlGz(out) == 1;
                } catch (Exception e) {
                    return false;
                }
            }, "reported");
        } finally {
            assertEquals(0, s.stop(), s.err().toString());
        }
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(3, files.count(), "one report and two messages (dmarc@example.com, agg@reports.example.net)");
        }
    }
}
