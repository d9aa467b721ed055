package dev.aligned.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigReaderTest {

    @Test
    void durationAcceptsUnitsUpToTheLargestGivenAndNamesTheExamplesOtherwise() {
        ConfigReader r = new ConfigReader(Map.of());
        assertEquals(Duration.ofDays(2), r.duration("a", "2d", Duration.ZERO, ChronoUnit.DAYS, "30s"));
        assertEquals(Duration.ofHours(1), r.duration("b", "1h", Duration.ZERO, ChronoUnit.HOURS, "30s"));
        assertEquals(Duration.ofSeconds(90), r.duration("c", 90, Duration.ZERO, ChronoUnit.MINUTES, "5s"));
        assertEquals(Duration.ofMillis(500), r.duration("d", "500ms", Duration.ZERO, ChronoUnit.MINUTES, "5s"));
        assertEquals(Duration.ZERO, r.duration("e", "2d", Duration.ZERO, ChronoUnit.HOURS, "30s, 5m or 1h"));
        assertEquals(Duration.ZERO, r.duration("f", "1h", Duration.ZERO, ChronoUnit.MINUTES, "5s or 500ms"));
        assertEquals(List.of("e: expected a duration such as 30s, 5m or 1h, got '2d'",
                "f: expected a duration such as 5s or 500ms, got '1h'"),
                r.errors().stream().map(Object::toString).toList());
    }

    @Test
    void decimalSizeUnitsOnlyWhereAllowed() {
        ConfigReader r = new ConfigReader(Map.of());
        assertEquals(64_000_000L, r.size("a", "64MB", 0));
        assertEquals(64L << 20, r.binarySize("b", "64MiB", 0));
        assertEquals(7L, r.binarySize("c", "64MB", 7));
        assertEquals(List.of("c: expected a number or a size such as 512KiB or 64MiB, got '64MB'"),
                r.errors().stream().map(Object::toString).toList());
    }

    @Test
    void environmentReferencesAreReplacedAndAMissingOneIsReportedWithItsKey() {
        ConfigReader r = new ConfigReader(Map.of("PW", "s3cret"));
        assertEquals("x-s3cret", r.string("db.password", "x-${PW}"));
        assertNull(r.string("smtp.password", "${NOPE}"));
        assertEquals(List.of("smtp.password: environment variable NOPE is not set; export it before starting "
                + "Aligned (referenced as ${NOPE})"), r.errors().stream().map(Object::toString).toList());
    }

    @Test
    void absentMappingIsEmptyButMapOrNullReportsIt() {
        ConfigReader r = new ConfigReader(Map.of());
        assertEquals(Map.of(), r.map("retry", null));
        assertNull(r.mapOrNull("imap[0]", null));
        assertEquals(Map.of(), r.map("retry", List.of(1)));
        assertEquals(List.of("imap[0]: expected a mapping (key: value lines), got nothing",
                "retry: expected a mapping (key: value lines), got a list"),
                r.errors().stream().map(Object::toString).toList());
    }

    @Test
    void numbersOutsideTheirRangeAreReportedAndTheDefaultKept() {
        ConfigReader r = new ConfigReader(Map.of());
        assertEquals(7, r.number("keep_days", "0", 7, 1, 3650));
        assertEquals(Long.MAX_VALUE, r.number("n", String.valueOf(Long.MAX_VALUE), 0));
        assertEquals(List.of("keep_days: must be between 1 and 3650, got 0"),
                r.errors().stream().map(Object::toString).toList());
    }
}
