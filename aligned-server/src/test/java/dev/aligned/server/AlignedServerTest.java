package dev.aligned.server;

import static dev.aligned.store.testing.TestReports.utf8;
import static dev.aligned.store.testing.TestReports.xml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.server.ingest.IngestConfig;
import dev.aligned.server.ingest.PollOutcome;
import dev.aligned.server.ingest.WatchedDirectory;
import dev.aligned.store.ReportStore;
import dev.aligned.store.testing.TestReports.Rec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlignedServerTest {
    static final long DAY = 1718236800L;

    @TempDir
    Path tmp;

    static byte[] report(String id) {
        return utf8(xml("reporter.example", id, "example.com", DAY, DAY + 86399,
                List.of(new Rec("192.0.2.1", 2, "none", "pass", "pass"))));
    }

    /** A component that records what happens to it. */
    record Recording(String name, List<String> log, boolean fails) implements ServerComponent {
        @Override
        public void start() throws IOException {
            log.add("start " + name);
            if (fails) {
                throw new IOException(name + ": address in use");
            }
        }

        @Override
        public void close() {
            log.add("close " + name);
        }
    }

    ReportStore store() {
        return ReportStore.builder().url("jdbc:sqlite:" + tmp.resolve("a.db")).build();
    }

    @Test
    void componentsStartInOrderAndCloseInReverse() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        try (ReportStore store = store()) {
            AlignedServer server = AlignedServer.builder(store).component(new Recording("a", log, false))
                    .component(new Recording("b", log, false)).build();
            assertSame(server, server.start());
            assertEquals(List.of("start a", "start b"), log);
            server.close();
            server.close(); // idempotent
            assertEquals(List.of("start a", "start b", "close b", "close a"), log);
            server.awaitClose(); // returns at once after close
        }
    }

    @Test
    void aComponentThatCannotStartClosesItselfAndThoseStartedBeforeIt() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        try (ReportStore store = store()) {
            AlignedServer server = AlignedServer.builder(store).component(new Recording("a", log, false))
                    .component(new Recording("b", log, true)).component(new Recording("c", log, false)).build();
            IOException e = assertThrows(IOException.class, server::start);
            assertEquals("b: address in use", e.getMessage());
            assertEquals(List.of("start a", "start b", "close b", "close a"), log);
        }
    }

    @Test
    void startParsesPendingInputsThenRunsTheWatchedDirectory() throws Exception {
        Path spool = Files.createDirectories(tmp.resolve("spool"));
        Files.write(spool.resolve("r.xml"), report("dir-1"));
        List<PollOutcome> events = new CopyOnWriteArrayList<>();
        try (ReportStore store = store()) {
            store.archive("crashed.xml", report("pending-1"));
            IngestConfig cfg = new IngestConfig(Optional.empty(), Optional.empty(), List.of(),
                    List.of(new WatchedDirectory(spool, Duration.ofSeconds(1))), Optional.empty(), Optional.empty());
            // The server's clock runs ahead of the archive time by more than RESUME_AFTER: the input was left behind.
            Clock later = Clock.offset(Clock.systemUTC(), AlignedServer.RESUME_AFTER.plusMinutes(1));
            try (AlignedServer server = AlignedServer.builder(store).config(cfg).clock(later).events(events::add).build()
                    .start()) {
                assertEquals(List.of("directory " + spool), server.components().stream().map(ServerComponent::name).toList());
                PollOutcome.Polled resumed = server.resumed().orElseThrow();
                assertEquals(new PollOutcome.Polled("pending", 1, 1, 0, 1, List.of(), false), resumed);
                assertEquals(resumed, events.get(0));
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (store.stats().reports() < 2 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertEquals(2, store.stats().reports());
            }
            assertTrue(events.stream().anyMatch(o -> o instanceof PollOutcome.Polled p
                    && p.source().equals(spool.toString()) && p.newReports() == 1), events.toString());
        }
    }
}
