package dev.aligned.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The nsd harness itself: a zone nsd cannot load fails with nsd's own words; close cleans up. */
class NsdServerTest {

    @Test
    void badZoneFailsWithNsdsOutput() {
        var e = assertThrows(IllegalStateException.class, () -> NsdServer.start(
                Map.of("example.com", NsdServer.zone("example.com", "bad IN BOGUS x"))));
        assertTrue(e.getMessage().startsWith("nsd could not load a zone; its output:"), e.getMessage());
        assertTrue(e.getMessage().contains("unrecognized RR type 'BOGUS'"), e.getMessage());
    }

    @Test
    void closeStopsNsdAndRemovesItsDirectory() {
        Path dir;
        ProcessHandle[] handles;
        try (NsdServer nsd = NsdServer.start(Map.of("example.com", NsdServer.zone("example.com")))) {
            dir = nsd.directory();
            assertTrue(Files.isDirectory(dir));
            assertTrue(nsd.log().contains("nsd started"), nsd.log());
            handles = nsd.processes();
        }
        assertFalse(Files.exists(dir));
        for (ProcessHandle h : handles) {
            assertFalse(NsdServer.running(h), "nsd process " + h.pid() + " still running");
        }
    }
}
