package dev.aligned.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.report.ReportReader;
import dev.aligned.report.ReportResult;
import dev.aligned.store.testing.MutableClock;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Passwords, the token bucket, the multipart reader and the generated demo days. */
class WebUnitsTest {

    @Test
    void aPasswordHashVerifiesOnlyTheSamePasswordAndCarriesItsIterations() {
        Passwords p = new Passwords(2000, new SecureRandom());
        String h = p.hash("correct horse battery");
        assertTrue(h.startsWith("pbkdf2-sha256$2000$"), h);
        assertTrue(Passwords.verify("correct horse battery", h));
        assertFalse(Passwords.verify("correct horse batterY", h));
        assertFalse(Passwords.verify("x", "not-a-hash"));
        assertFalse(Passwords.verify("x", "pbkdf2-sha256$abc$x$y"));
        assertFalse(h.equals(p.hash("correct horse battery")), "a fresh salt per hash");
    }

    @Test
    void theTokenBucketAllowsTheBurstThenOneTokenPerRefill() {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        RateLimiter r = new RateLimiter(2, 10_000, clock, 100);
        assertTrue(r.tryAcquire("a"));
        assertTrue(r.tryAcquire("a"));
        assertFalse(r.tryAcquire("a"));
        assertTrue(r.tryAcquire("b"), "buckets are per client");
        assertEquals(10, r.retryAfterSeconds("a"));
        clock.advance(Duration.ofSeconds(10));
        assertTrue(r.tryAcquire("a"));
        assertFalse(r.tryAcquire("a"));
    }

    @Test
    void theTokenBucketKeepsAtMostMaxClients() {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        RateLimiter r = new RateLimiter(1, 60_000, clock, 2);
        assertTrue(r.tryAcquire("a"));
        assertTrue(r.tryAcquire("b"));
        assertTrue(r.tryAcquire("c"));
        assertTrue(r.tryAcquire("a"), "a was evicted (least recently used), so it starts with a full bucket");
    }

    @Test
    void multipartFieldsAndFilesAreRead() {
        String body = "--xyz\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntok\r\n"
                + "--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"r.xml\"\r\n"
                + "Content-Type: text/xml\r\n\r\n<feedback>\r\n</feedback>\r\n--xyz--\r\n";
        var form = Multipart.parse(body.getBytes(StandardCharsets.UTF_8), "xyz").orElseThrow();
        assertEquals("tok", form.fields().get("csrf"));
        assertEquals("r.xml", form.files().get(0).filename());
        assertEquals("<feedback>\r\n</feedback>", new String(form.files().get(0).bytes(), StandardCharsets.UTF_8));
        assertEquals("xyz", Multipart.boundary("multipart/form-data; boundary=\"xyz\"").orElseThrow());
        assertTrue(Multipart.boundary("text/plain").isEmpty());
    }

    @Test
    void malformedMultipartIsEmptyNotAnException() {
        for (String bad : new String[] {"", "--xyz\r\nno headers end", "--xyz\r\nContent-Disposition: form-data\r\n\r\nx",
                "--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nunterminated"}) {
            assertTrue(Multipart.parse(bad.getBytes(StandardCharsets.UTF_8), "xyz").isEmpty(), bad);
        }
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            many.append("--b\r\nContent-Disposition: form-data; name=\"f").append(i).append("\"\r\n\r\nv\r\n");
        }
        many.append("--b--\r\n");
        assertTrue(Multipart.parse(many.toString().getBytes(StandardCharsets.UTF_8), "b").isEmpty(), "over 16 parts");
    }

    @Test
    void theGeneratedDemoDaysParseAndAreDeterministic() {
        List<DemoData.GeneratedReport> a = DemoData.generate(LocalDate.of(2026, 11, 28));
        assertEquals(DemoData.DAYS * 3 * 2, a.size());
        assertEquals(a, DemoData.generate(LocalDate.of(2026, 11, 28)));
        ReportReader reader = ReportReader.create();
        for (DemoData.GeneratedReport g : a) {
            List<ReportResult> r = reader.read(g.name(), new ByteArrayInputStream(g.xml().getBytes(StandardCharsets.UTF_8)));
            assertEquals(1, r.size());
            assertTrue(r.get(0) instanceof ReportResult.Parsed, g.name() + ": " + r.get(0));
        }
        long begin = LocalDate.of(2026, 10, 29).toEpochDay() * 86400; // 30 days before 2026-11-28
        assertEquals("google.com!example.com!" + begin + "!" + (begin + 86399) + ".xml", a.get(0).name());
    }
}
