package dev.aligned.store;

import dev.aligned.dmarc.PublicSuffixList;
import dev.aligned.dns.DomainName;
import dev.aligned.report.Alignment;
import dev.aligned.report.DkimAuthResult;
import dev.aligned.report.OverrideReason;
import dev.aligned.report.PolicyEvaluated;
import dev.aligned.report.PolicyPublished;
import dev.aligned.report.ReportRecord;
import dev.aligned.report.SpfAuthResult;
import dev.aligned.report.SpfScope;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The rollups the analysis stage reads ({@code daily_totals}, {@code source_days}, {@code dkim_selectors}; schema
 * V3), added in the transaction that stores a report; since schema 11 {@code source_days} is a view, and its rows
 * are written as {@code source_day_counts} keyed by a shape id plus, once per shape, a {@code source_shapes} row
 * ({@link SourceShapes}). (The reporters of a source, V7's {@code source_reporters}, are read from the record packs
 * since schema 10: {@link SourceReporters}.) Alignment is recomputed here from the auth results: a passing DKIM
 * signature or SPF check whose domain equals the From domain (strict) or shares its registrable domain by the
 * public suffix list (relaxed), as the report's {@code adkim}/{@code aspf} say (relaxed when absent).
 */
final class AnalysisRollups {
    static final int MAX_DKIM = 4;
    static final int MAX_SPF = 2;
    private static final int MAX_TEXT = 255;

    private AnalysisRollups() {
    }

    /** The per-record facts the rollups are keyed by. */
    record Facts(String sourceIp, String headerFrom, String disposition, String dkim, String spf, int dkimAligned,
            int spfAligned, String dkimAuth, String spfAuth, String reasons) {
        String hash() {
            return new Memo().hash(this);
        }

        private String joined() {
            return String.join("\u0000", headerFrom, disposition, dkim, spf, Integer.toString(dkimAligned),
                    Integer.toString(spfAligned), dkimAuth, spfAuth, reasons);
        }
    }

    /**
     * What one report's records share: their domains, registrable domains and facts recur from record to record, so
     * each is normalised, looked up in the public suffix list or hashed once per report. Lives for one report (the
     * report's record limit bounds it).
     */
    static final class Memo {
        private final Map<String, String> lowered = new HashMap<>();
        private final Map<String, String> capped = new HashMap<>();
        private final Map<String, Optional<DomainName>> organizational = new HashMap<>();
        private final Map<String, String> hashes = new HashMap<>();
        private final MessageDigest sha256;

        Memo() {
            try {
                sha256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is required by the JDK", e);
            }
        }

        String lower(String s) {
            return lowered.computeIfAbsent(s, AnalysisRollups::lower);
        }

        String cap(String s) {
            return capped.computeIfAbsent(s, AnalysisRollups::cap);
        }

        Optional<DomainName> organizational(String name) {
            return organizational.computeIfAbsent(name, AnalysisRollups::organizational);
        }

        String hash(Facts f) {
            return hashes.computeIfAbsent(f.joined(),
                    j -> HexFormat.of().formatHex(sha256.digest(j.getBytes(StandardCharsets.UTF_8)), 0, 16));
        }
    }

    static Facts facts(PolicyPublished p, ReportRecord r) {
        return facts(p, r, new Memo());
    }

    static Facts facts(PolicyPublished p, ReportRecord r, Memo memo) {
        PolicyEvaluated pe = r.row().policyEvaluated();
        String from = memo.lower(r.identifiers().headerFrom());
        boolean strictDkim = p.adkim().map(a -> a == Alignment.S).orElse(false);
        boolean strictSpf = p.aspf().map(a -> a == Alignment.S).orElse(false);
        int dkimAligned = 0;
        List<String> dkim = new ArrayList<>();
        for (DkimAuthResult d : r.dkim()) {
            String result = d.result().map(v -> v.token()).orElse("");
            String dd = memo.lower(d.domain());
            if (result.equals("pass") && aligned(dd, from, strictDkim, memo)) {
                dkimAligned = 1;
            }
            if (dkim.size() < MAX_DKIM) {
                dkim.add(memo.cap(dd) + "/" + memo.cap(d.selector().orElse("")) + "=" + result);
            }
        }
        int spfAligned = 0;
        List<String> spf = new ArrayList<>();
        for (SpfAuthResult s : r.spf()) {
            String result = s.result().map(v -> v.token()).orElse("");
            boolean mfrom = s.scope().map(v -> v == SpfScope.MFROM).orElse(true);
            String sd = memo.lower(s.domain());
            if (mfrom && result.equals("pass") && aligned(sd, from, strictSpf, memo)) {
                spfAligned = 1;
            }
            if (spf.size() < MAX_SPF) {
                String entry = memo.cap(sd) + "=" + result;
                if (mfrom) {
                    spf.add(0, entry);
                } else {
                    spf.add(entry);
                }
            }
        }
        List<String> reasons = new ArrayList<>();
        for (OverrideReason o : pe.reasons()) {
            o.type().ifPresent(t -> {
                if (!reasons.contains(t.token())) {
                    reasons.add(t.token());
                }
            });
        }
        return new Facts(r.row().sourceIp(), memo.cap(from), pe.disposition().map(v -> v.token()).orElse(""),
                pe.dkim().map(v -> v.token()).orElse(""), pe.spf().map(v -> v.token()).orElse(""), dkimAligned,
                spfAligned, String.join(" ", dkim), String.join(" ", spf), String.join(",", reasons));
    }

    /** True when {@code domain} is aligned with {@code from}: equal, or (relaxed) the same registrable domain. */
    static boolean aligned(String domain, String from, boolean strict) {
        return aligned(domain, from, strict, new Memo());
    }

    private static boolean aligned(String domain, String from, boolean strict, Memo memo) {
        if (domain.isEmpty() || from.isEmpty()) {
            return false;
        }
        if (domain.equals(from)) {
            return true;
        }
        if (strict) {
            return false;
        }
        Optional<DomainName> a = memo.organizational(domain);
        return a.isPresent() && a.equals(memo.organizational(from));
    }

    private static Optional<DomainName> organizational(String name) {
        // not a domain name (reports are written by strangers): never aligned
        return DomainName.parse(name).flatMap(PublicSuffixList.bundled()::registrableDomain);
    }

    private static String lower(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        return t.endsWith(".") ? t.substring(0, t.length() - 1) : t;
    }

    /** At most {@link #MAX_TEXT} characters, no white space (the lists are space-separated). */
    private static String cap(String s) {
        String t = s;
        for (int i = 0; i < s.length(); i++) {
            if (isSpace(s.charAt(i))) { // as the regex \\s: space, tab, new line, vertical tab, form feed, return
                char[] c = s.toCharArray();
                for (int j = i; j < c.length; j++) {
                    if (isSpace(c[j])) {
                        c[j] = '_';
                    }
                }
                t = new String(c);
                break;
            }
        }
        return t.length() <= MAX_TEXT ? t : t.substring(0, MAX_TEXT);
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
    }

    record TotalKey(String disposition, String dkim, String spf, int dkimAligned, int spfAligned)
            implements Comparable<TotalKey> {
        private static final java.util.Comparator<TotalKey> ORDER = java.util.Comparator
                .comparing(TotalKey::disposition).thenComparing(TotalKey::dkim).thenComparing(TotalKey::spf)
                .thenComparingInt(TotalKey::dkimAligned).thenComparingInt(TotalKey::spfAligned);

        @Override
        public int compareTo(TotalKey o) {
            return ORDER.compare(this, o);
        }
    }

    /**
     * One report's rollup rows, summed in memory, each table's rows in key order (concurrent writers lock rows in
     * the same order): {@code totals} and {@code selectors} by key, {@code sources} by source IP then key hash,
     * Pure computation: {@link ReportStore.Input} does it on the parsing thread, outside
     * the store's transaction.
     */
    record Sums(Map<TotalKey, long[]> totals, List<SourceRow> sources, Map<String, long[]> selectors) {
    }

    /**
     * A {@code source_days} row of one report: its facts (with the source IP), key hash, messages and records.
     * Since schema 11 stored as a {@code source_day_counts} row keyed by {@link #shape} and, once per shape, a
     * {@code source_shapes} row with the facts.
     */
    record SourceRow(Facts facts, String hash, long messages, long records) {
        /** The shape id of the facts: the first 64 bits of the key hash ({@link V11__source_shapes#shapeId}). */
        long shape() {
            return V11__source_shapes.shapeId(hash);
        }
    }

    /**
     * Sums the rollup rows of one report's records. A report's records share few shapes (everything the facts
     * are computed from: From domain, disposition, results, auth results, reasons, but not the source IP, count or
     * free text), so the facts, their key hash and the selectors a record counts for are computed once per shape;
     * per record what is left is a lookup of its shape and of its source IP, and additions.
     */
    static Sums sum(String domain, PolicyPublished p, List<ReportRecord> records) {
        Summer s = new Summer(domain, p);
        for (ReportRecord r : records) {
            s.add(r);
        }
        return s.finish();
    }

    /**
     * {@link #sum} one record at a time, so that it can run in the same pass over a report as the content digest
     * (each record's objects are then read from memory once: {@code ContentDigest.of(report, summer::add)}; on a
     * report of thousands of records, reading them again costs about as much as the sums themselves).
     *
     * <pre>{@code
     * AnalysisRollups.Summer summer = new AnalysisRollups.Summer(domain, report.policy());
     * String digest = ContentDigest.of(report, summer::add);
     * AnalysisRollups.Sums sums = summer.finish();
     * }</pre>
     */
    static final class Summer {
        private final Shapes shapes;
        private final Map<String, IpEntry> ips = new HashMap<>(1024);
        private boolean nul;

        Summer(String domain, PolicyPublished p) {
            shapes = new Shapes(domain, p, new Memo());
        }

        /** Adds one record of the report. */
        void add(ReportRecord r) {
            Shape s = shapes.of(r);
            long n = r.row().count();
            s.messages += n;
            s.records++;
            String ip = r.row().sourceIp();
            IpEntry e = ips.get(ip);
            if (e == null) {
                // a copy: the record's string lies among everything else the parser allocated, the copy next to
                // the entry, so that later lookups and the sort by address touch few cache lines
                ip = new String(ip.toCharArray());
                e = new IpEntry(ip);
                ips.put(ip, e);
                nul |= ip.indexOf('\u0000') >= 0;
            }
            e.add(s, n);
        }

        /** The sums of the records added. */
        Sums finish() {
            Map<TotalKey, long[]> totals = new TreeMap<>();
            Map<String, long[]> selectors = new TreeMap<>(); // "d/selector" -> {messages, passed}
            for (Shape s : shapes.all) {
                long[] t = totals.computeIfAbsent(s.total, x -> new long[2]);
                t[0] += s.messages;
                t[1] += s.records;
                for (int i = 0; i < s.selectors.length; i++) {
                    long[] v = selectors.computeIfAbsent(s.selectors[i], x -> new long[2]);
                    v[0] += s.messages;
                    if (s.selectorPassed[i]) {
                        v[1] += s.messages;
                    }
                }
            }
            IpEntry[] byIp = ips.values().toArray(new IpEntry[0]);
            boolean packed = true;
            for (IpEntry e : byIp) {
                packed &= e.packPrefix();
            }
            if (packed) {
                // the first 8 chars packed in a long order as the strings do; equal prefixes fall back to the strings
                java.util.Arrays.sort(byIp, (a, b) -> {
                    int c = Long.compareUnsigned(a.prefix, b.prefix);
                    return c != 0 ? c : a.ip.compareTo(b.ip);
                });
            } else {
                java.util.Arrays.sort(byIp, (a, b) -> a.ip.compareTo(b.ip));
            }
            List<SourceRow> sources = new ArrayList<>(byIp.length);
            for (IpEntry e : byIp) {
                e.rows(sources);
            }
            if (nul) {
                // the key was source_ip + NUL + hash: with a NUL inside an address, that string's order is not the
                // address's order then the hash's
                sources.sort((a, b) -> compareJoined(a.facts().sourceIp(), a.hash(), b.facts().sourceIp(), b.hash()));
            }
            return new Sums(totals, List.copyOf(sources), selectors);
        }
    }

    /** Compares {@code a1 + "\u0000" + a2} with {@code b1 + "\u0000" + b2} without building them. */
    private static int compareJoined(String a1, String a2, String b1, String b2) {
        int la = a1.length() + 1 + a2.length();
        int lb = b1.length() + 1 + b2.length();
        for (int i = 0, n = Math.min(la, lb); i < n; i++) {
            char x = joinedAt(a1, a2, i);
            char y = joinedAt(b1, b2, i);
            if (x != y) {
                return x - y;
            }
        }
        return la - lb;
    }

    private static char joinedAt(String s1, String s2, int i) {
        return i < s1.length() ? s1.charAt(i) : i == s1.length() ? '\u0000' : s2.charAt(i - s1.length() - 1);
    }

    /**
     * What the records of one shape add up to, and what they count for: computed from the first record of the
     * shape. {@code key} is the {@code source_days} key (the hash of the facts), one String instance per value in
     * a report, so that rows can be told apart by identity; shapes with the same facts share it.
     */
    private static final class Shape {
        final ReportRecord first;
        final int hash;
        final Facts facts;
        final String key;
        final TotalKey total;
        final String[] selectors;
        final boolean[] selectorPassed;
        long messages;
        long records;

        Shape(ReportRecord first, int hash, Facts facts, String key, String[] selectors, boolean[] selectorPassed) {
            this.first = first;
            this.hash = hash;
            this.facts = facts;
            this.key = key;
            this.total = new TotalKey(facts.disposition(), facts.dkim(), facts.spf(), facts.dkimAligned(),
                    facts.spfAligned());
            this.selectors = selectors;
            this.selectorPassed = selectorPassed;
        }
    }

    /**
     * The shapes of one report's records, in an open-addressing table keyed by the record itself (hash and
     * equality over the fields the facts are computed from): no key object per record.
     */
    private static final class Shapes {
        private final String domain;
        private final PolicyPublished policy;
        private final Memo memo;
        private final Map<String, String> keys = new HashMap<>(); // key -> its one instance
        final List<Shape> all = new ArrayList<>();
        private Shape[] table = new Shape[64];

        Shapes(String domain, PolicyPublished policy, Memo memo) {
            this.domain = domain;
            this.policy = policy;
            this.memo = memo;
        }

        Shape of(ReportRecord r) {
            int h = shapeHash(r);
            int mask = table.length - 1;
            for (int i = h & mask; ; i = (i + 1) & mask) {
                Shape s = table[i];
                if (s == null) {
                    s = create(r, h);
                    table[i] = s;
                    all.add(s);
                    if (all.size() * 2 > table.length) {
                        grow();
                    }
                    return s;
                }
                if (s.hash == h && sameShape(s.first, r)) {
                    return s;
                }
            }
        }

        private void grow() {
            Shape[] bigger = new Shape[table.length * 2];
            int mask = bigger.length - 1;
            for (Shape s : all) {
                int i = s.hash & mask;
                while (bigger[i] != null) {
                    i = (i + 1) & mask;
                }
                bigger[i] = s;
            }
            table = bigger;
        }

        private Shape create(ReportRecord r, int h) {
            Facts f = facts(policy, r, memo);
            String key = keys.computeIfAbsent(memo.hash(f), k -> k);
            // the DKIM selectors of domain and its subdomains this record counts for, once each
            List<String> sel = new ArrayList<>();
            List<Boolean> passed = new ArrayList<>();
            for (DkimAuthResult d : r.dkim().subList(0, Math.min(MAX_DKIM, r.dkim().size()))) {
                String dd = memo.cap(memo.lower(d.domain()));
                String s = memo.cap(d.selector().orElse("").trim());
                String k = dd + "/" + s;
                if (s.isEmpty() || !(dd.equals(domain) || dd.endsWith("." + domain)) || sel.contains(k)) {
                    continue;
                }
                sel.add(k);
                passed.add(d.result().map(x -> x.token().equals("pass")).orElse(false));
            }
            boolean[] p = new boolean[passed.size()];
            for (int i = 0; i < p.length; i++) {
                p[i] = passed.get(i);
            }
            return new Shape(r, h, f, key, sel.toArray(new String[0]), p);
        }
    }

    /** A hash over what {@link #sameShape} compares. */
    private static int shapeHash(ReportRecord r) {
        PolicyEvaluated pe = r.row().policyEvaluated();
        int h = r.identifiers().headerFrom().hashCode();
        h = 31 * h + ordinal(pe.disposition());
        h = 31 * h + ordinal(pe.dkim());
        h = 31 * h + ordinal(pe.spf());
        for (OverrideReason o : pe.reasons()) {
            h = 31 * h + ordinal(o.type());
        }
        h = 31 * h + r.dkim().size();
        for (DkimAuthResult d : r.dkim()) {
            h = 31 * h + d.domain().hashCode();
            h = 31 * h + (d.selector().isPresent() ? d.selector().get().hashCode() : -1);
            h = 31 * h + ordinal(d.result());
        }
        h = 31 * h + r.spf().size();
        for (SpfAuthResult s : r.spf()) {
            h = 31 * h + s.domain().hashCode();
            h = 31 * h + ordinal(s.scope());
            h = 31 * h + ordinal(s.result());
        }
        return h ^ (h >>> 16);
    }

    private static int ordinal(Optional<? extends Enum<?>> e) {
        return e.isPresent() ? e.get().ordinal() : -1;
    }

    /**
     * True when the facts and selectors of {@code a} and {@code b} are the same because everything they are
     * computed from is: From domain, disposition, DKIM and SPF verdicts, reason types, and each DKIM (domain,
     * selector, result) and SPF (domain, scope, result) in order.
     */
    private static boolean sameShape(ReportRecord a, ReportRecord b) {
        PolicyEvaluated pa = a.row().policyEvaluated();
        PolicyEvaluated pb = b.row().policyEvaluated();
        if (!a.identifiers().headerFrom().equals(b.identifiers().headerFrom()) || !pa.disposition().equals(pb.disposition())
                || !pa.dkim().equals(pb.dkim()) || !pa.spf().equals(pb.spf())
                || pa.reasons().size() != pb.reasons().size() || a.dkim().size() != b.dkim().size()
                || a.spf().size() != b.spf().size()) {
            return false;
        }
        for (int i = 0; i < pa.reasons().size(); i++) {
            if (!pa.reasons().get(i).type().equals(pb.reasons().get(i).type())) {
                return false;
            }
        }
        for (int i = 0; i < a.dkim().size(); i++) {
            DkimAuthResult x = a.dkim().get(i);
            DkimAuthResult y = b.dkim().get(i);
            if (!x.domain().equals(y.domain()) || !x.selector().equals(y.selector()) || !x.result().equals(y.result())) {
                return false;
            }
        }
        for (int i = 0; i < a.spf().size(); i++) {
            SpfAuthResult x = a.spf().get(i);
            SpfAuthResult y = b.spf().get(i);
            if (!x.domain().equals(y.domain()) || !x.scope().equals(y.scope()) || !x.result().equals(y.result())) {
                return false;
            }
        }
        return true;
    }

    /**
     * One source IP of a report: its {@code source_days} rows, one per key, with the facts of the first record
     * that had the key (as the rows were kept before).
     */
    private static final class IpEntry {
        final String ip;
        private String lastKey;
        private int last;
        private final List<String> keys = new ArrayList<>(2);
        private final List<Facts> facts = new ArrayList<>(2);
        private long[] counts = new long[4]; // per row: messages, records
        private Map<String, Integer> index; // once there are many rows

        IpEntry(String ip) {
            this.ip = ip;
        }

        /** The first 8 chars of the address, a byte each, zero-padded: ordered as the strings are (see the sort). */
        long prefix;

        /** Sets {@link #prefix}; false when one of the first 8 chars does not fit in a byte. */
        boolean packPrefix() {
            long k = 0;
            for (int i = 0; i < 8; i++) {
                char c = i < ip.length() ? ip.charAt(i) : 0;
                if (c > 0xFF) {
                    return false;
                }
                k = k << 8 | c;
            }
            prefix = k;
            return true;
        }

        void add(Shape s, long n) {
            int i;
            if (s.key == lastKey) {
                i = last;
            } else {
                i = find(s.key);
                if (i < 0) {
                    i = keys.size();
                    keys.add(s.key);
                    Facts f = s.facts;
                    facts.add(new Facts(ip, f.headerFrom(), f.disposition(), f.dkim(), f.spf(), f.dkimAligned(),
                            f.spfAligned(), f.dkimAuth(), f.spfAuth(), f.reasons()));
                    if (counts.length < 2 * keys.size()) {
                        counts = java.util.Arrays.copyOf(counts, counts.length * 2);
                    }
                    if (index != null) {
                        index.put(s.key, i);
                    } else if (keys.size() > 8) {
                        index = new HashMap<>();
                        for (int k = 0; k < keys.size(); k++) {
                            index.put(keys.get(k), k);
                        }
                    }
                }
                lastKey = s.key;
                last = i;
            }
            counts[2 * i] += n;
            counts[2 * i + 1]++;
        }

        private int find(String k) {
            if (index != null) {
                Integer i = index.get(k);
                return i == null ? -1 : i;
            }
            for (int i = 0; i < keys.size(); i++) {
                if (keys.get(i) == k) {
                    return i;
                }
            }
            return -1;
        }

        /** Adds this IP's rows to {@code out} in hash order. */
        void rows(List<SourceRow> out) {
            Integer[] order = new Integer[keys.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            if (order.length > 1) {
                java.util.Arrays.sort(order, (a, b) -> keys.get(a).compareTo(keys.get(b)));
            }
            for (int i : order) {
                out.add(new SourceRow(facts.get(i), keys.get(i), counts[2 * i], counts[2 * i + 1]));
            }
        }
    }

    /**
     * Adds one report's sums to the rollup tables; {@code shapes} says which {@code source_shapes} rows need no
     * insert (the caller tells it whether the transaction committed).
     */
    static void write(Connection conn, String domain, int day, Sums sums, SourceShapes shapes) throws SQLException {
        Map<TotalKey, long[]> totals = sums.totals();
        List<SourceRow> sources = sums.sources();
        Map<String, long[]> selectors = sums.selectors();
        if (!selectors.isEmpty()) {
            try (PreparedStatement ps = conn.prepareStatement("INSERT INTO dkim_selectors (domain, d, selector, "
                    + "messages, passed, last_day) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (domain, d, selector) DO UPDATE "
                    + "SET messages = dkim_selectors.messages + excluded.messages, passed = dkim_selectors.passed + "
                    + "excluded.passed, last_day = CASE WHEN excluded.last_day > dkim_selectors.last_day "
                    + "THEN excluded.last_day ELSE dkim_selectors.last_day END")) {
                for (Map.Entry<String, long[]> e : selectors.entrySet()) {
                    int slash = e.getKey().indexOf('/');
                    ps.setString(1, domain);
                    ps.setString(2, e.getKey().substring(0, slash));
                    ps.setString(3, e.getKey().substring(slash + 1));
                    ps.setLong(4, e.getValue()[0]);
                    ps.setLong(5, e.getValue()[1]);
                    ps.setInt(6, day);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO daily_totals (domain, day, disposition, dkim, "
                + "spf, dkim_aligned, spf_aligned, messages, records) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (domain, day, disposition, dkim, spf, dkim_aligned, spf_aligned) DO UPDATE SET "
                + "messages = daily_totals.messages + excluded.messages, "
                + "records = daily_totals.records + excluded.records")) {
            for (Map.Entry<TotalKey, long[]> e : totals.entrySet()) {
                TotalKey k = e.getKey();
                ps.setString(1, domain);
                ps.setInt(2, day);
                ps.setString(3, k.disposition());
                ps.setString(4, k.dkim());
                ps.setString(5, k.spf());
                ps.setInt(6, k.dkimAligned());
                ps.setInt(7, k.spfAligned());
                ps.setLong(8, e.getValue()[0]);
                ps.setLong(9, e.getValue()[1]);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        shapes.insertNew(conn, sources);
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO source_day_counts (domain, day, source_ip, "
                + "shape, messages, records) VALUES (?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (domain, day, source_ip, shape) DO UPDATE SET "
                + "messages = source_day_counts.messages + excluded.messages, "
                + "records = source_day_counts.records + excluded.records")) {
            int pending = 0;
            for (SourceRow s : sources) {
                ps.setString(1, domain);
                ps.setInt(2, day);
                ps.setString(3, s.facts().sourceIp());
                ps.setLong(4, s.shape());
                ps.setLong(5, s.messages());
                ps.setLong(6, s.records());
                ps.addBatch();
                if (++pending == 500) {
                    ps.executeBatch();
                    pending = 0;
                }
            }
            if (pending > 0) {
                ps.executeBatch();
            }
        }
    }
}
