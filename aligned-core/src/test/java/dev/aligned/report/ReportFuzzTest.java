package dev.aligned.report;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Fuzzing of the XML and MIME entry points with Jazzer. Under {@code mvn test} each method runs its seed inputs
 * ({@code ReportFuzzTestInputs/}) as a regression test; a fuzzing run is
 * {@code JAZZER_FUZZ=1 ./mvnw -pl aligned-core test -Dtest=ReportFuzzTest} (10 s per method here; raise
 * {@code maxDuration} for the longer documented run). Findings: an exception escaping the reader, or a
 * "internal error" result (a bug caught by the safety net).
 */
class ReportFuzzTest {
    private static final ReportReader READER = ReportReader.withLimits(ReportLimits.defaults()
            .withMaxInflatedBytes(4L << 20).withMaxMessageBytes(4L << 20).withMaxRecords(10_000));

    private static void check(List<ReportResult> results) {
        assertFalse(results.isEmpty());
        for (ReportResult r : results) {
            if (r instanceof ReportResult.Failed f) {
                assertFalse(f.error().startsWith(f.source() + ": internal error while reading ("), f.error());
            }
        }
    }

    @FuzzTest(maxDuration = "10s")
    void readingAnyBytesNeverThrows(byte[] data) {
        check(READER.read("fuzz", new ByteArrayInputStream(data)));
    }

    @FuzzTest(maxDuration = "10s")
    void mimeWalkerNeverThrows(byte[] data) {
        byte[] head = ("From: a@b.example\r\nSubject: DMARC failure\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/report; boundary=\"b\"\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] msg = new byte[head.length + data.length];
        System.arraycopy(head, 0, msg, 0, head.length);
        System.arraycopy(data, 0, msg, head.length, data.length);
        check(READER.read("fuzz.eml", new ByteArrayInputStream(msg)));
    }
}
