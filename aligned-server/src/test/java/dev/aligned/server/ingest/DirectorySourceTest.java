package dev.aligned.server.ingest;

import static dev.aligned.store.testing.TestReports.gzip;
import static dev.aligned.store.testing.TestReports.utf8;
import static dev.aligned.store.testing.TestReports.xml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.aligned.store.Ingestor;
import dev.aligned.store.ReportStore;
import dev.aligned.store.testing.TestReports.Rec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectorySourceTest {
    static final long DAY = 1718236800L;

    @TempDir
    Path tmp;

    static byte[] report(String id) {
        return utf8(xml("reporter.example", id, "example.com", DAY, DAY + 86399,
                List.of(new Rec("192.0.2.1", 2, "none", "pass", "pass"))));
    }

    @Test
    void readsTheTreeOnceAndAgainOnlyWhatChanged() throws Exception {
        Path dir = tmp.resolve("spool");
        Files.createDirectories(dir.resolve("sub"));
        Files.createDirectories(dir.resolve("Maildir/tmp"));
        Files.createDirectories(dir.resolve("Maildir/new"));
        Files.createDirectories(dir.resolve("Maildir/cur"));
        Files.write(dir.resolve("a.xml"), report("d-1"));
        Files.write(dir.resolve("sub/b.xml.gz"), gzip(report("d-2")));
        Files.write(dir.resolve("Maildir/tmp/partial"), report("d-3")); // still being delivered: skipped
        Files.writeString(dir.resolve("notes.txt"), "not a report");
        try (ReportStore store = ReportStore.builder().url("jdbc:sqlite:" + tmp.resolve("a.db")).build()) {
            DirectorySource src = new DirectorySource(new WatchedDirectory(dir, Duration.ofMinutes(1)),
                    Ingestor.builder(store).build());
            PollOutcome.Polled p = assertInstanceOf(PollOutcome.Polled.class, src.pollOnce());
            assertEquals(3, p.inputs());
            assertEquals(2, p.newReports());
            assertEquals(1, p.failures().size());
            assertEquals(0, assertInstanceOf(PollOutcome.Polled.class, src.pollOnce()).inputs(), "nothing changed");
            Files.write(dir.resolve("c.xml"), report("d-4"));
            Files.setLastModifiedTime(dir.resolve("a.xml"), FileTime.fromMillis(0));
            PollOutcome.Polled q = assertInstanceOf(PollOutcome.Polled.class, src.pollOnce());
            assertEquals(2, q.inputs(), "the new file and the touched one");
            assertEquals(1, q.newReports());
            assertEquals(1, q.duplicates());
            assertEquals(3, store.stats().reports());
        }
    }

    @Test
    void aMissingDirectoryIsUnavailableWithWhatToDo() {
        try (ReportStore store = ReportStore.builder().url("jdbc:sqlite:" + tmp.resolve("a.db")).build()) {
            Path missing = tmp.resolve("nope");
            PollOutcome.Unavailable u = assertInstanceOf(PollOutcome.Unavailable.class,
                    new DirectorySource(new WatchedDirectory(missing, Duration.ofMinutes(1)),
                            Ingestor.builder(store).build()).pollOnce());
            assertEquals(missing + ": no such directory; create it or fix 'path'", u.error());
        }
    }
}
