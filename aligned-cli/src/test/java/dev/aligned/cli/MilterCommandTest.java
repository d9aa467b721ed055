package dev.aligned.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MilterCommandTest {
    @TempDir
    Path tmp;

    @Test
    void unknownModeIsAUsageError() {
        CliRun r = CliRun.run("milter", "--mode", "enforce", "--no-record");
        assertEquals(2, r.exit());
        assertTrue(r.err().startsWith("--mode must be one of monitor, quarantine, reject, not 'enforce'"), r.err());
    }

    @Test
    void badTimeoutAndListenAreUsageErrors() {
        CliRun r = CliRun.run("milter", "--timeout", "soon", "--no-record");
        assertEquals(2, r.exit());
        assertTrue(r.err().startsWith("--timeout: expected a duration such as 5s or 800ms, got 'soon'"), r.err());
        r = CliRun.run("milter", "--listen", "unix:/run/milter.sock", "--no-record");
        assertEquals(2, r.exit());
        assertTrue(r.err().startsWith("listen: only inet:HOST:PORT is supported, got 'unix:/run/milter.sock'"),
                r.err());
    }

    @Test
    void configurationErrorsAreListedWithTheirKeys() throws Exception {
        Path cfg = tmp.resolve("aligned.yaml");
        Files.writeString(cfg, "milter:\n  mode: enforce\n  fail_mode: later\n");
        CliRun r = CliRun.run("milter", "--config", cfg.toString(), "--no-record");
        assertEquals(2, r.exit());
        assertEquals("aligned milter: " + cfg + ": 2 problems\n"
                + "  milter.mode: expected one of monitor, quarantine, reject, got 'enforce'\n"
                + "  milter.fail_mode: expected one of accept, tempfail, got 'later'\n", r.err());
    }

    @Test
    void aPortInUseIsARuntimeFailure() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            CliRun r = CliRun.run("milter", "--listen", "inet:127.0.0.1:" + taken.getLocalPort(), "--no-record",
                    "--trusted", "none");
            assertEquals(1, r.exit());
            assertTrue(r.err().startsWith("aligned milter: cannot listen on 127.0.0.1:" + taken.getLocalPort()),
                    r.err());
        }
    }
}
