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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A kept copy of {@code AnalysisRollups.sum} as it was at schema 8 (main at 621c992), before its cost on the
 * parsing thread was cut: the reference that {@code RollupSumsEquivalenceTest} compares the current code with.
 * Do not change it; it is the definition of the rows the rollups must keep getting.
 */
final class AnalysisRollupsV8Reference {
    static final int MAX_DKIM = 4;
    static final int MAX_SPF = 2;
    private static final int MAX_TEXT = 255;

    private AnalysisRollupsV8Reference() {
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
            return lowered.computeIfAbsent(s, AnalysisRollupsV8Reference::lower);
        }

        String cap(String s) {
            return capped.computeIfAbsent(s, AnalysisRollupsV8Reference::cap);
        }

        Optional<DomainName> organizational(String name) {
            return organizational.computeIfAbsent(name, AnalysisRollupsV8Reference::organizational);
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
     * One report's rollup rows, summed in memory (sorted keys: concurrent writers lock rows in the same order).
     * Pure computation: {@link ReportStore.Input} does it on the parsing thread, outside the store's transaction.
     */
    record Sums(Map<TotalKey, long[]> totals, Map<String, Object[]> sources, Map<String, long[]> selectors,
            Map<String, long[]> byIp) {
    }

    /** Sums the rollup rows of one report's records. */
    static Sums sum(String domain, PolicyPublished p, List<ReportRecord> records) {
        Map<TotalKey, long[]> totals = new TreeMap<>();
        Map<String, Object[]> sources = new TreeMap<>(); // source_ip + hash -> {Facts, long[]}
        Memo memo = new Memo();
        for (ReportRecord r : records) {
            Facts f = facts(p, r, memo);
            long n = r.row().count();
            long[] t = totals.computeIfAbsent(new TotalKey(f.disposition(), f.dkim(), f.spf(), f.dkimAligned(),
                    f.spfAligned()), x -> new long[2]);
            t[0] += n;
            t[1]++;
            String hash = memo.hash(f);
            Object[] s = sources.computeIfAbsent(f.sourceIp() + "\u0000" + hash,
                    x -> new Object[] {f, hash, new long[2]});
            long[] c = (long[]) s[2];
            c[0] += n;
            c[1]++;
        }
        Map<String, long[]> selectors = new TreeMap<>(); // "d/selector" -> {messages, passed}
        for (ReportRecord r : records) {
            java.util.Set<String> once = new java.util.HashSet<>();
            for (DkimAuthResult d : r.dkim().subList(0, Math.min(MAX_DKIM, r.dkim().size()))) {
                String dd = memo.cap(memo.lower(d.domain()));
                String sel = memo.cap(d.selector().orElse("").trim());
                if (sel.isEmpty() || !(dd.equals(domain) || dd.endsWith("." + domain)) || !once.add(dd + "/" + sel)) {
                    continue;
                }
                long[] v = selectors.computeIfAbsent(dd + "/" + sel, x -> new long[2]);
                v[0] += r.row().count();
                if (d.result().map(x -> x.token().equals("pass")).orElse(false)) {
                    v[1] += r.row().count();
                }
            }
        }
        Map<String, long[]> byIp = new TreeMap<>(); // this report's messages per source IP
        for (ReportRecord r : records) {
            byIp.computeIfAbsent(r.row().sourceIp(), x -> new long[1])[0] += r.row().count();
        }
        return new Sums(totals, sources, selectors, byIp);
    }
}
