package dev.aligned.record;

import dev.aligned.dmarc.DmarcParseResult;
import dev.aligned.dmarc.DmarcProblem;
import dev.aligned.dmarc.DmarcRecord.Policy;
import dev.aligned.dmarc.DmarcRecordParser;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Builds an RFC 9989 DMARC record and refuses combinations that do not work: no policy, {@code fo=} without
 * {@code ruf=}, {@code t=y} with {@code p=none}, report URIs that are not {@code mailto:}, values the parser
 * rejects or warns about.
 *
 * <pre>{@code
 * switch (DmarcBuilder.create("none").rua("mailto:dmarc@example.com").build()) {
 *     case DmarcBuilder.Built b -> System.out.println(b.record());   // v=DMARC1; p=none; rua=mailto:dmarc@example.com
 *     case DmarcBuilder.Refused r -> r.reasons().forEach(System.err::println);
 * }
 * }</pre>
 */
public final class DmarcBuilder {

    /** The outcome of {@link #build()}. */
    public sealed interface Result {
    }

    /** A valid record, and notes (advice that did not refuse it). */
    public record Built(String record, List<String> notes) implements Result {
        public Built {
            Objects.requireNonNull(record, "record");
            notes = List.copyOf(notes);
        }
    }

    /** Why the record was refused, one sentence each. */
    public record Refused(List<String> reasons) implements Result {
        public Refused {
            reasons = List.copyOf(reasons);
        }
    }

    private final String policy;
    private String sp;
    private String np;
    private String adkim;
    private String aspf;
    private boolean testing;
    private String fo;
    private final List<String> rua = new ArrayList<>();
    private final List<String> ruf = new ArrayList<>();

    private DmarcBuilder(String policy) {
        this.policy = policy;
    }

    /** A builder for {@code p=policy} ({@code none}, {@code quarantine} or {@code reject}; checked by build). */
    public static DmarcBuilder create(String policy) {
        return new DmarcBuilder(Objects.requireNonNull(policy, "policy").strip().toLowerCase(Locale.ROOT));
    }

    /** {@code sp=}: the policy for subdomains. */
    public DmarcBuilder subdomainPolicy(String sp) {
        this.sp = lower(sp);
        return this;
    }

    /** {@code np=}: the policy for non-existent subdomains. */
    public DmarcBuilder nonExistentPolicy(String np) {
        this.np = lower(np);
        return this;
    }

    /** {@code adkim=r|s}. */
    public DmarcBuilder dkimAlignment(String mode) {
        this.adkim = lower(mode);
        return this;
    }

    /** {@code aspf=r|s}. */
    public DmarcBuilder spfAlignment(String mode) {
        this.aspf = lower(mode);
        return this;
    }

    /** {@code t=y}: apply the policy one level lower while testing it. */
    public DmarcBuilder testing(boolean testing) {
        this.testing = testing;
        return this;
    }

    /** {@code fo=}: failure reporting options ({@code 0}, {@code 1}, {@code d}, {@code s}, colon-separated). */
    public DmarcBuilder failureOptions(String fo) {
        this.fo = fo == null ? null : fo.strip();
        return this;
    }

    /** Adds an aggregate report URI ({@code mailto:} added when the value is a bare address). */
    public DmarcBuilder rua(String uri) {
        rua.add(uri(uri));
        return this;
    }

    /** Adds a failure report URI ({@code mailto:} added when the value is a bare address). */
    public DmarcBuilder ruf(String uri) {
        ruf.add(uri(uri));
        return this;
    }

    private static String lower(String s) {
        return s == null ? null : s.strip().toLowerCase(Locale.ROOT);
    }

    private static String uri(String s) {
        String u = Objects.requireNonNull(s, "uri").strip();
        return u.contains(":") ? u : "mailto:" + u;
    }

    /** The record text in RFC 9989 tag order, unchecked. */
    public String text() {
        StringBuilder sb = new StringBuilder("v=DMARC1; p=").append(policy);
        if (sp != null) {
            sb.append("; sp=").append(sp);
        }
        if (np != null) {
            sb.append("; np=").append(np);
        }
        if (adkim != null) {
            sb.append("; adkim=").append(adkim);
        }
        if (aspf != null) {
            sb.append("; aspf=").append(aspf);
        }
        if (testing) {
            sb.append("; t=y");
        }
        if (!rua.isEmpty()) {
            sb.append("; rua=").append(String.join(",", rua));
        }
        if (!ruf.isEmpty()) {
            sb.append("; ruf=").append(String.join(",", ruf));
        }
        if (fo != null) {
            sb.append("; fo=").append(fo);
        }
        return sb.toString();
    }

    /** Checks and returns the record, or the reasons it is refused. */
    public Result build() {
        List<String> reasons = new ArrayList<>();
        policy("p", Optional.of(policy), reasons);
        policy("sp", Optional.ofNullable(sp), reasons);
        policy("np", Optional.ofNullable(np), reasons);
        mode("adkim", adkim, reasons);
        mode("aspf", aspf, reasons);
        if (testing && policy.equals("none")) {
            reasons.add("t=y with p=none has no effect (there is no lower policy); drop --testing, or use it with "
                    + "p=quarantine or p=reject");
        }
        if (fo != null && ruf.isEmpty()) {
            reasons.add("fo= only affects failure reports; give --ruf as well, or drop --fo");
        }
        Set<String> seen = new LinkedHashSet<>();
        for (String u : concat(rua, ruf)) {
            if (!u.regionMatches(true, 0, "mailto:", 0, 7)) {
                reasons.add("'" + u + "': report URIs must be mailto: addresses (receivers send reports by mail)");
            } else if (!u.substring(7).matches("[^@\\s,;!]+@[A-Za-z0-9.-]+\\.[A-Za-z0-9-]+")) {
                reasons.add("'" + u + "' is not an e-mail address (write mailto:name@domain)");
            }
        }
        for (String u : rua) {
            if (!seen.add(u)) {
                reasons.add("'" + u + "' is given twice in rua");
            }
        }
        if (!reasons.isEmpty()) {
            return new Refused(reasons);
        }
        String text = text();
        switch (DmarcRecordParser.parse(text)) {
            case DmarcParseResult.NotDmarc n -> {
                return new Refused(n.problems().stream().map(DmarcProblem::toString).toList());
            }
            case DmarcParseResult.Valid v -> {
                List<String> bad = v.problems().stream().map(DmarcProblem::toString).toList();
                if (!bad.isEmpty()) {
                    return new Refused(bad);
                }
            }
        }
        List<String> notes = new ArrayList<>();
        if (rua.isEmpty()) {
            notes.add("No rua=: you will receive no aggregate reports, so you cannot see who sends as your domain.");
        }
        if (policy.equals("none")) {
            notes.add("p=none only monitors. Read the reports, then move to p=quarantine and p=reject.");
        }
        if (!ruf.isEmpty()) {
            notes.add("Few receivers send failure reports (ruf), and those that do may include personal data.");
        }
        return new Built(text, notes);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static void policy(String tag, Optional<String> value, List<String> reasons) {
        if (value.isPresent()) {
            try {
                Policy.valueOf(value.get().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                reasons.add(tag + "=" + value.get() + " is not a policy: use none, quarantine or reject");
            }
        }
    }

    private static void mode(String tag, String value, List<String> reasons) {
        if (value != null && !value.equals("r") && !value.equals("s")) {
            reasons.add(tag + "=" + value + " is not an alignment mode: use r (relaxed) or s (strict)");
        }
    }
}
