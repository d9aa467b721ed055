package dev.aligned.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.report.ActionDisposition;
import dev.aligned.report.DkimAuthResult;
import dev.aligned.report.DkimResult;
import dev.aligned.report.DmarcResult;
import dev.aligned.report.Identifiers;
import dev.aligned.report.OverrideReason;
import dev.aligned.report.PolicyEvaluated;
import dev.aligned.report.PolicyOverride;
import dev.aligned.report.ReportRecord;
import dev.aligned.report.Row;
import dev.aligned.report.SpfAuthResult;
import dev.aligned.report.SpfResult;
import dev.aligned.report.SpfScope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class RecordPackTest {
    // ---------------------------------------------------------------- arbitrary stored records

    /** Text as a report can carry it: empty, ASCII, non-ASCII (incl. outside the BMP), known tokens, control chars. */
    static Arbitrary<String> text() {
        Arbitrary<String> any = Arbitraries.integers().between(0, 0x10FFFF)
                .filter(cp -> cp < 0xD800 || cp > 0xDFFF)
                .list().ofMaxSize(12)
                .map(cps -> {
                    StringBuilder b = new StringBuilder();
                    cps.forEach(b::appendCodePoint);
                    return b.toString();
                });
        Arbitrary<String> ascii = Arbitraries.strings().ascii().ofMaxLength(20);
        Arbitrary<String> tokens = Arbitraries.of("", "pass", "fail", "none", "reject", "quarantine", "softfail",
                "mfrom", "helo", "temperror", "PASS", "example.com", "bücher.example", "s1");
        return Arbitraries.oneOf(any, ascii, tokens, tokens);
    }

    static Arbitrary<Optional<String>> optText() {
        return Arbitraries.oneOf(text().map(Optional::of), Arbitraries.just(Optional.<String>empty()));
    }

    static Arbitrary<StoredRecord.Auth> auth() {
        return Combinators.combine(text(), optText(), optText(), optText()).as(StoredRecord.Auth::new);
    }

    static Arbitrary<StoredRecord> record() {
        Arbitrary<Long> messages = Arbitraries.oneOf(Arbitraries.longs().between(0, 1000),
                Arbitraries.longs().between(0, Long.MAX_VALUE));
        return Combinators.combine(Arbitraries.integers().between(1, 1_000_000), messages, optText(), optText(),
                optText(), optText(), text(), optText()).flatAs((seq, m, disp, dkim, spf, reasons, from, envFrom) ->
                Combinators.combine(optText(), auth().list().ofMaxSize(4), auth().list().ofMaxSize(3))
                        .as((envTo, d, s) -> new StoredRecord(seq, m, disp, dkim, spf, reasons, from, envFrom, envTo,
                                d, s)));
    }

    @Provide
    Arbitrary<List<StoredRecord>> packs() {
        // distinct seqs; records that repeat their predecessor's values (back-references) as well as random ones
        return record().list().ofMinSize(1).ofMaxSize(8).map(rs -> {
            List<StoredRecord> out = new ArrayList<>();
            int seq = 0;
            for (StoredRecord r : rs) {
                seq += 1 + Math.floorMod(r.seq(), 50);
                StoredRecord base = out.isEmpty() || r.seq() % 3 != 0 ? r : out.get(out.size() - 1);
                out.add(new StoredRecord(seq, r.messages(), base.disposition(), base.dkim(), r.spf(), base.reasons(),
                        base.headerFrom(), r.envelopeFrom(), base.envelopeTo(), base.dkimResults(), r.spfResults()));
            }
            return out;
        });
    }

    @Property(tries = 500)
    void storedRecordsRoundTripThroughAPack(@ForAll("packs") List<StoredRecord> records) {
        byte[] packed = RecordPack.encode(records);
        assertEquals(records, RecordPack.decode(packed, 7, "192.0.2.1"));
    }

    @Property(tries = 200)
    void everyTruncationOfAPackIsRejectedOrDecodesToAPrefix(@ForAll("packs") List<StoredRecord> records) {
        byte[] packed = RecordPack.encode(records);
        for (int n = 0; n < packed.length; n++) {
            byte[] cut = Arrays.copyOf(packed, n);
            try {
                List<StoredRecord> got = RecordPack.decode(cut, 7, "192.0.2.1");
                assertEquals(records.subList(0, got.size()), got, "a cut at a record boundary is a prefix");
            } catch (StoreException e) {
                assertTrue(e.getMessage().contains("report 7 and source 192.0.2.1"), e.getMessage());
            }
        }
    }

    @Property(tries = 300)
    void arbitraryBytesDecodeOrFailWithAStoreException(@ForAll byte[] junk) {
        byte[] b = new byte[junk.length + 1];
        b[0] = RecordPack.VERSION;
        System.arraycopy(junk, 0, b, 1, junk.length);
        try {
            RecordPack.decode(b, 1, "198.51.100.1");
        } catch (StoreException e) {
            assertTrue(e.getMessage().startsWith("the record pack of report 1 and source 198.51.100.1 is corrupt"),
                    e.getMessage());
        }
    }

    // ---------------------------------------------------------------- corrupt packs

    @Test
    void aHugeStringLengthIsRejectedBeforeAnythingIsAllocated() {
        // version, seq 1, messages 1, disposition as a literal claiming 2^62 bytes
        byte[] b = {1, 1, 1, 2, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80,
            (byte) 0x80, (byte) 0x80, 0x40};
        StoreException e = assertThrows(StoreException.class, () -> RecordPack.decode(b, 42, "2001:db8::1"));
        assertEquals("the record pack of report 42 and source 2001:db8::1 is corrupt at byte 13 of 13: string of "
                + "4611686018427387904 bytes exceeds the bytes left (restore the database from a backup, or "
                + "re-import the report's original)", e.getMessage());
    }

    @Test
    void anUnknownVersionAHugeAuthCountAndAnEndlessNumberAreRejected() {
        assertTrue(assertThrows(StoreException.class, () -> RecordPack.decode(new byte[] {9}, 1, "a"))
                .getMessage().contains("unknown format version 9"));
        assertTrue(assertThrows(StoreException.class, () -> RecordPack.decode(new byte[0], 1, "a"))
                .getMessage().contains("empty"));
        // seq 1, messages 0, seven absent fields... header_from absent
        assertTrue(assertThrows(StoreException.class, () -> RecordPack.decode(new byte[] {1, 1, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 0}, 1, "a")).getMessage().contains("record 1 without header_from"));
        // header_from "x", then a DKIM count of 1,000,000 with 2 bytes left
        assertTrue(assertThrows(StoreException.class, () -> RecordPack.decode(new byte[] {1, 1, 0, 0, 0, 0, 0, 2, 1,
            'x', 0, 0, (byte) 0xC0, (byte) 0x84, 0x3D, 0, 0}, 1, "a")).getMessage()
                .contains("auth result count 1000000 exceeds the bytes left"));
        byte[] endless = new byte[20];
        Arrays.fill(endless, (byte) 0xFF);
        endless[0] = 1;
        assertTrue(assertThrows(StoreException.class, () -> RecordPack.decode(endless, 1, "a")).getMessage()
                .contains("number longer than 10 bytes"));
        // a back-reference in the first record, and a step back in seq
        assertTrue(assertThrows(StoreException.class, () -> RecordPack.decode(new byte[] {1, 1, 0, 1}, 1, "a"))
                .getMessage().contains("back-reference without a previous value"));
        assertTrue(assertThrows(StoreException.class, () -> RecordPack.decode(new byte[] {1, 0}, 1, "a"))
                .getMessage().contains("seq step 0 after seq 0"));
    }

    // ---------------------------------------------------------------- packs of parsed records

    @Test
    void aReportsRecordsArePackedPerSourceIpWithTheirSeqsCountsAndValues() {
        ReportRecord a = new ReportRecord(new Row("192.0.2.1", 3, new PolicyEvaluated(
                Optional.of(ActionDisposition.NONE), Optional.of(DmarcResult.PASS), Optional.of(DmarcResult.FAIL),
                List.of(new OverrideReason(Optional.of(PolicyOverride.FORWARDED), Optional.of("list"))))),
                new Identifiers(Optional.empty(), Optional.of(""), "example.com"),
                List.of(new DkimAuthResult("example.com", Optional.of("s1"), Optional.of(DkimResult.PASS),
                        Optional.empty())),
                List.of(new SpfAuthResult("bounce.example", Optional.of(SpfScope.MFROM), Optional.of(SpfResult.SOFTFAIL),
                        Optional.of("ü"))), List.of());
        ReportRecord b = new ReportRecord(new Row("198.51.100.9", 1, new PolicyEvaluated(Optional.empty(),
                Optional.empty(), Optional.empty(), List.of())), new Identifiers(Optional.of("to.example"),
                Optional.empty(), "example.com"), List.of(), List.of(), List.of());
        List<RecordPack.Pack> packs = RecordPack.pack(List.of(a, b, a));
        assertEquals(List.of("192.0.2.1", "198.51.100.9"), packs.stream().map(RecordPack.Pack::sourceIp).toList());
        assertEquals(2, packs.get(0).records());
        assertEquals(6, packs.get(0).messages());
        List<StoredRecord> first = RecordPack.decode(packs.get(0).packed(), 1, "192.0.2.1");
        assertEquals(List.of(1, 3), first.stream().map(StoredRecord::seq).toList());
        StoredRecord expected = new StoredRecord(1, 3, Optional.of("none"), Optional.of("pass"), Optional.of("fail"),
                Optional.of("forwarded: list"), "example.com", Optional.of(""), Optional.empty(),
                List.of(new StoredRecord.Auth("example.com", Optional.of("s1"), Optional.of("pass"), Optional.empty())),
                List.of(new StoredRecord.Auth("bounce.example", Optional.of("mfrom"), Optional.of("softfail"),
                        Optional.of("ü"))));
        assertEquals(expected, first.get(0));
        assertEquals(List.of(new StoredRecord(2, 1, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), "example.com", Optional.empty(), Optional.of("to.example"), List.of(), List.of())),
                StoredRecord.unpack(1, "198.51.100.9", packs.get(1).packed()));
        // a repeated record: seq step, count, 7 fields, 2 counts, 4 + 4 auth fields, one byte each
        assertEquals(19, RecordPack.pack(List.of(a, a)).get(0).packed().length
                - RecordPack.pack(List.of(a)).get(0).packed().length, "back-references, one byte a value");
    }
}
