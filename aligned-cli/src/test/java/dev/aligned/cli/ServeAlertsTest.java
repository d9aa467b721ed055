package dev.aligned.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code aligned serve} with an {@code alerts:} section runs the alerts component and says so. */
class ServeAlertsTest {
    @TempDir
    Path tmp;

    @Test
    void serveWithAnAlertsSectionPrintsTheAlertsComponentLine() throws Exception {
        Path spool = Files.createDirectories(tmp.resolve("spool"));
        Path cfg = tmp.resolve("aligned.yaml");
        Files.writeString(cfg, "directories:\n  - " + spool + "\n"
                + "alerts:\n  webhook:\n    url: http://127.0.0.1:9/hook\n  email:\n    host: 127.0.0.1\n"
                + "    port: 2587\n    user: alerts\n    password: ${ALERT_PW}\n    from: alerts@example.com\n"
                + "    to: [owner@example.com]\n  interval: 30m\n");
        ServeCommandTest.Serving s = ServeCommandTest.Serving.start(Map.of("ALERT_PW", "pw-not-printed"), "serve",
                "--no-web", "--config", cfg.toString(), "--db", tmp.resolve("aligned.db").toString());
        String out = s.out().toString();
        assertTrue(out.contains("\n  directory " + spool + "\n  alerts every 30m to webhook http://127.0.0.1:9 and "
                + "e-mail to 1 recipient(s)\n"), out);
        assertEquals(0, s.stop(), s.err().toString());
        assertTrue(!s.out().toString().contains("pw-not-printed") && !s.err().toString().contains("pw-not-printed"));
    }

    @Test
    void aBadAlertsSectionIsAUsageErrorNamingTheKey() throws Exception {
        Path cfg = tmp.resolve("aligned.yaml");
        Files.writeString(cfg, "directories: [" + tmp + "]\nalerts:\n  webhook: {url: 'http://127.0.0.1:9/'}\n"
                + "  interval: 0s\n");
        CliRun r = CliRun.run("serve", "--no-web", "--config", cfg.toString(), "--db",
                tmp.resolve("a.db").toString());
        assertEquals(2, r.exit(), r.err());
        assertEquals("aligned serve: " + cfg + ": 1 problem\n  alerts.interval: must be between 1s and 24h, got 0s\n",
                r.err());
    }
}
