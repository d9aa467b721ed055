package dev.aligned.store;

import dev.aligned.report.DkimAuthResult;
import dev.aligned.report.PolicyEvaluated;
import dev.aligned.report.ReportRecord;
import dev.aligned.report.SpfAuthResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The binary value of one {@code record_packs} row (schema 9): the records of one report that share a source IP,
 * in seq order, with their auth results. Format version 1:
 *
 * <pre>
 * pack    = version(1) record*
 * record  = seq-delta(varint) messages(varint) disposition dkim spf reasons header_from envelope_from envelope_to
 *           dkim-count(varint) spf-count(varint) dkim-result* spf-result*
 * dkim-result = domain selector result human_result
 * spf-result  = domain scope result human_result
 * string  = 0 (absent, SQL NULL) | 1 (same as this field of the previous record) | 2 length(varint) UTF-8
 *         | 3 + i (the i-th known token of the field, e.g. "pass")
 * </pre>
 *
 * "The previous record" of an auth result field is the auth result at the same position of the previous record
 * in the pack. The token tables are part of the format: never reorder them; a new token is written as a literal.
 */
final class RecordPack {
    static final int VERSION = 1;
    private static final int ABSENT = 0;
    private static final int SAME = 1;
    private static final int LITERAL = 2;
    private static final int TOKEN = 3;

    // record fields (index into the previous-record array) and their token tables
    private static final int DISPOSITION = 0;
    private static final int DKIM = 1;
    private static final int SPF = 2;
    private static final int REASONS = 3;
    private static final int HEADER_FROM = 4;
    private static final int ENVELOPE_FROM = 5;
    private static final int ENVELOPE_TO = 6;
    private static final int FIELDS = 7;
    private static final String[] NO_TOKENS = {};
    private static final String[] DISPOSITIONS = {"none", "pass", "quarantine", "reject"};
    private static final String[] POLICY_RESULTS = {"pass", "fail"};
    private static final String[] DKIM_RESULTS = {"none", "pass", "fail", "policy", "neutral", "temperror",
        "permerror"};
    private static final String[] SPF_RESULTS = {"none", "neutral", "pass", "fail", "softfail", "policy", "temperror",
        "permerror"};
    private static final String[] SPF_SCOPES = {"mfrom", "helo"};
    private static final String[][] RECORD_TOKENS = {DISPOSITIONS, POLICY_RESULTS, POLICY_RESULTS, NO_TOKENS,
        NO_TOKENS, NO_TOKENS, NO_TOKENS};
    private static final String[][] DKIM_TOKENS = {NO_TOKENS, NO_TOKENS, DKIM_RESULTS, NO_TOKENS};
    private static final String[][] SPF_TOKENS = {NO_TOKENS, SPF_SCOPES, SPF_RESULTS, NO_TOKENS};

    private RecordPack() {
    }

    /** One packed row: the records of a report from {@code sourceIp}. */
    record Pack(String sourceIp, int records, long messages, byte[] packed) {
    }

    /**
     * The packs of one report's records (seq = position + 1), one per source IP, ordered by source IP: inserted in
     * key order, the primary key's pages fill up (unsorted, SQLite's file was 3% larger: docs/benchmarks.md).
     */
    static List<Pack> pack(List<ReportRecord> records) {
        Packer packer = new Packer(records.size());
        records.forEach(packer::add);
        return packer.finish();
    }

    /**
     * {@link #pack} one record at a time, so that it can run in the same pass over a report as the content digest
     * and the rollup sums (each record's objects read from memory once).
     */
    static final class Packer {
        private final Map<String, Encoder> byIp;
        private int seq;

        Packer(int records) {
            byIp = new HashMap<>(Math.max(16, records));
        }

        /** Adds the next record of the report (seq = its position + 1). */
        void add(ReportRecord r) {
            seq++;
            PolicyEvaluated pe = r.row().policyEvaluated();
            Encoder e = byIp.computeIfAbsent(r.row().sourceIp(), ip -> new Encoder());
            e.record(seq, r.row().count(), pe.disposition().map(v -> v.token()).orElse(null),
                    pe.dkim().map(v -> v.token()).orElse(null), pe.spf().map(v -> v.token()).orElse(null),
                    JdbcReportStore.reasons(pe.reasons()).orElse(null), r.identifiers().headerFrom(),
                    r.identifiers().envelopeFrom().orElse(null), r.identifiers().envelopeTo().orElse(null),
                    r.dkim().size(), r.spf().size());
            for (DkimAuthResult d : r.dkim()) {
                e.dkim(d.domain(), d.selector().orElse(null), d.result().map(v -> v.token()).orElse(null),
                        d.humanResult().orElse(null));
            }
            for (SpfAuthResult s : r.spf()) {
                e.spf(s.domain(), s.scope().map(v -> v.token()).orElse(null), s.result().map(v -> v.token())
                        .orElse(null), s.humanResult().orElse(null));
            }
        }

        /** The packs of the records added, ordered by source IP. */
        List<Pack> finish() {
            List<Pack> out = new ArrayList<>(byIp.size());
            byIp.forEach((ip, e) -> out.add(new Pack(ip, e.records, e.messages, e.toBytes())));
            out.sort((a, b) -> a.sourceIp().compareTo(b.sourceIp()));
            return out;
        }
    }

    /** Packs stored records (any order: sorted by seq here), as the upgrade from schema 8 reads them. */
    static byte[] encode(List<StoredRecord> records) {
        List<StoredRecord> sorted = new ArrayList<>(records);
        sorted.sort((a, b) -> Integer.compare(a.seq(), b.seq()));
        Encoder e = new Encoder();
        for (StoredRecord r : sorted) {
            e.record(r.seq(), r.messages(), r.disposition().orElse(null), r.dkim().orElse(null),
                    r.spf().orElse(null), r.reasons().orElse(null), r.headerFrom(), r.envelopeFrom().orElse(null),
                    r.envelopeTo().orElse(null), r.dkimResults().size(), r.spfResults().size());
            for (StoredRecord.Auth a : r.dkimResults()) {
                e.dkim(a.domain(), a.selector().orElse(null), a.result().orElse(null), a.humanResult().orElse(null));
            }
            for (StoredRecord.Auth a : r.spfResults()) {
                e.spf(a.domain(), a.selector().orElse(null), a.result().orElse(null), a.humanResult().orElse(null));
            }
        }
        return e.toBytes();
    }

    /** The auth result values of the record being written and of the one before, four per result, flat. */
    private static final class AuthSlots {
        private String[] prev = new String[8];
        private String[] cur = new String[8];
        private int prevN;
        private int curN;

        void nextRecord() {
            String[] t = prev;
            prev = cur;
            cur = t;
            prevN = curN;
            curN = 0;
        }

        /** The previous record's value {@code field} of the auth result at the current position, or null. */
        String previous(int field) {
            return curN < prevN ? prev[curN * 4 + field] : null;
        }

        void add(String a, String b, String c, String d) {
            int i = curN * 4;
            if (i + 4 > cur.length) {
                cur = Arrays.copyOf(cur, cur.length * 2);
            }
            cur[i] = a;
            cur[i + 1] = b;
            cur[i + 2] = c;
            cur[i + 3] = d;
            curN++;
        }
    }

    /** Writes records one by one: {@link #record}, then its DKIM results, then its SPF results. */
    static final class Encoder {
        private byte[] buf = new byte[64];
        private int len;
        private int lastSeq;
        int records;
        long messages;
        private final String[] prev = new String[FIELDS];
        private final AuthSlots dkim = new AuthSlots();
        private final AuthSlots spf = new AuthSlots();

        Encoder() {
            buf[len++] = VERSION;
        }

        /** A record; null stands for an absent (SQL NULL) value. Seqs must increase. */
        void record(int seq, long messages, String disposition, String dkim, String spf, String reasons,
                String headerFrom, String envelopeFrom, String envelopeTo, int dkimCount, int spfCount) {
            if (seq <= lastSeq) {
                throw new IllegalArgumentException("seq " + seq + " after " + lastSeq);
            }
            this.dkim.nextRecord();
            this.spf.nextRecord();
            varint(seq - lastSeq);
            lastSeq = seq;
            varint(messages);
            field(DISPOSITION, disposition);
            field(DKIM, dkim);
            field(SPF, spf);
            field(REASONS, reasons);
            field(HEADER_FROM, headerFrom);
            field(ENVELOPE_FROM, envelopeFrom);
            field(ENVELOPE_TO, envelopeTo);
            varint(dkimCount);
            varint(spfCount);
            records++;
            this.messages += messages;
        }

        private void field(int f, String v) {
            string(v, prev[f], RECORD_TOKENS[f]);
            prev[f] = v;
        }

        void dkim(String domain, String selector, String result, String human) {
            auth(dkim, DKIM_TOKENS, domain, selector, result, human);
        }

        void spf(String domain, String scope, String result, String human) {
            auth(spf, SPF_TOKENS, domain, scope, result, human);
        }

        private void auth(AuthSlots slots, String[][] tokens, String a, String b, String c, String d) {
            string(a, slots.previous(0), tokens[0]);
            string(b, slots.previous(1), tokens[1]);
            string(c, slots.previous(2), tokens[2]);
            string(d, slots.previous(3), tokens[3]);
            slots.add(a, b, c, d);
        }

        private void string(String v, String previous, String[] tokens) {
            if (v == null) {
                put(ABSENT);
                return;
            }
            if (v.equals(previous)) {
                put(SAME);
                return;
            }
            for (int i = 0; i < tokens.length; i++) {
                if (tokens[i].equals(v)) {
                    put(TOKEN + i);
                    return;
                }
            }
            put(LITERAL);
            int n = v.length();
            boolean ascii = true;
            for (int i = 0; i < n; i++) {
                if (v.charAt(i) >= 0x80) {
                    ascii = false;
                    break;
                }
            }
            if (ascii) {
                varint(n);
                room(n);
                for (int i = 0; i < n; i++) {
                    buf[len++] = (byte) v.charAt(i);
                }
            } else {
                byte[] u = v.getBytes(StandardCharsets.UTF_8);
                varint(u.length);
                room(u.length);
                System.arraycopy(u, 0, buf, len, u.length);
                len += u.length;
            }
        }

        private void put(int b) {
            room(1);
            buf[len++] = (byte) b;
        }

        private void varint(long v) {
            room(10);
            long x = v;
            while ((x & ~0x7FL) != 0) {
                buf[len++] = (byte) ((x & 0x7F) | 0x80);
                x >>>= 7;
            }
            buf[len++] = (byte) x;
        }

        private void room(int n) {
            if (len + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
            }
        }

        byte[] toBytes() {
            return Arrays.copyOf(buf, len);
        }
    }

    /**
     * The records of a pack, in seq order. Bounded: every count and length is checked against the bytes left
     * before anything is allocated for it.
     *
     * @throws StoreException naming the report and source IP when the bytes are not a version-1 pack
     */
    static List<StoredRecord> decode(byte[] b, long reportId, String sourceIp) {
        return new Decoder(b, reportId, sourceIp).all();
    }

    private static final class Decoder {
        private final byte[] b;
        private final long reportId;
        private final String sourceIp;
        private int pos;
        private final String[] prev = new String[FIELDS];
        private List<String[]> prevDkim = List.of();
        private List<String[]> prevSpf = List.of();

        Decoder(byte[] b, long reportId, String sourceIp) {
            this.b = b;
            this.reportId = reportId;
            this.sourceIp = sourceIp;
        }

        private StoreException corrupt(String what) {
            return new StoreException("the record pack of report " + reportId + " and source " + sourceIp
                    + " is corrupt at byte " + pos + " of " + b.length + ": " + what
                    + " (restore the database from a backup, or re-import the report's original)", null);
        }

        List<StoredRecord> all() {
            if (b.length == 0) {
                throw corrupt("empty");
            }
            int version = b[pos++] & 0xFF;
            if (version != VERSION) {
                throw corrupt("unknown format version " + version);
            }
            List<StoredRecord> out = new ArrayList<>();
            long seq = 0;
            while (pos < b.length) {
                long delta = varint();
                if (delta <= 0 || seq + delta > Integer.MAX_VALUE) {
                    throw corrupt("seq step " + delta + " after seq " + seq);
                }
                seq += delta;
                long messages = varint();
                String[] f = new String[FIELDS];
                for (int i = 0; i < FIELDS; i++) {
                    f[i] = string(prev[i], RECORD_TOKENS[i]);
                    prev[i] = f[i];
                }
                if (f[HEADER_FROM] == null) {
                    throw corrupt("record " + seq + " without header_from");
                }
                int dkimCount = count();
                int spfCount = count();
                List<String[]> dkim = auths(dkimCount, prevDkim, DKIM_TOKENS);
                List<String[]> spf = auths(spfCount, prevSpf, SPF_TOKENS);
                prevDkim = dkim;
                prevSpf = spf;
                out.add(new StoredRecord((int) seq, messages, opt(f[DISPOSITION]), opt(f[DKIM]), opt(f[SPF]),
                        opt(f[REASONS]), f[HEADER_FROM], opt(f[ENVELOPE_FROM]), opt(f[ENVELOPE_TO]),
                        auth(dkim), auth(spf)));
            }
            return out;
        }

        private static Optional<String> opt(String s) {
            return Optional.ofNullable(s);
        }

        private static List<StoredRecord.Auth> auth(List<String[]> raw) {
            List<StoredRecord.Auth> out = new ArrayList<>(raw.size());
            for (String[] a : raw) {
                out.add(new StoredRecord.Auth(a[0], opt(a[1]), opt(a[2]), opt(a[3])));
            }
            return out;
        }

        private int count() {
            long n = varint();
            if (n > (b.length - pos) / 4) { // an auth result takes at least 4 bytes
                throw corrupt("auth result count " + n + " exceeds the bytes left");
            }
            return (int) n;
        }

        private List<String[]> auths(int n, List<String[]> before, String[][] tokens) {
            List<String[]> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String[] p = i < before.size() ? before.get(i) : null;
                String[] v = new String[4];
                for (int k = 0; k < 4; k++) {
                    v[k] = string(p == null ? null : p[k], tokens[k]);
                }
                if (v[0] == null) {
                    throw corrupt("auth result without domain");
                }
                out.add(v);
            }
            return out;
        }

        private String string(String previous, String[] tokens) {
            if (pos >= b.length) {
                throw corrupt("truncated record");
            }
            int tag = b[pos++] & 0xFF;
            switch (tag) {
                case ABSENT:
                    return null;
                case SAME:
                    if (previous == null) {
                        throw corrupt("back-reference without a previous value");
                    }
                    return previous;
                case LITERAL:
                    long n = varint();
                    if (n > b.length - pos) {
                        throw corrupt("string of " + n + " bytes exceeds the bytes left");
                    }
                    String s = new String(b, pos, (int) n, StandardCharsets.UTF_8);
                    pos += (int) n;
                    return s;
                default:
                    int i = tag - TOKEN;
                    if (i >= tokens.length) {
                        throw corrupt("unknown token code " + tag);
                    }
                    return tokens[i];
            }
        }

        private long varint() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= b.length) {
                    throw corrupt("truncated number");
                }
                int x = b[pos++] & 0xFF;
                v |= (long) (x & 0x7F) << shift;
                if ((x & 0x80) == 0) {
                    return v;
                }
            }
            throw corrupt("number longer than 10 bytes");
        }
    }
}
