package dev.aligned.server.reporting;

import dev.aligned.dmarc.AuthResult;
import dev.aligned.dmarc.Disposition;
import dev.aligned.dmarc.DkimOutcome;
import dev.aligned.dmarc.DmarcMode;
import dev.aligned.dmarc.DmarcParseResult;
import dev.aligned.dmarc.DmarcRecord;
import dev.aligned.dmarc.DmarcRecordParser;
import dev.aligned.dmarc.DmarcResult;
import dev.aligned.dmarc.SpfOutcome;
import dev.aligned.dns.DomainName;
import dev.aligned.report.OverrideReason;
import dev.aligned.report.PolicyOverride;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The text form of an {@link Evaluation}'s parts as the {@code evaluations} table keeps them, and the row key
 * that makes identical evaluations one row. Lists are {@code ;}-separated items of {@code |}-separated fields,
 * each field percent-encoded for {@code % ; |} and line ends.
 */
final class EvaluationCodec {
    private EvaluationCodec() {
    }

    /** Everything but the receive time, as one string: equal for evaluations that make one report record. */
    static String identity(Evaluation e) {
        return String.join("\n", e.policyDomain().name(), e.sourceIp(), e.headerFrom().name(),
                e.envelopeFrom().map(DomainName::name).orElse(""), e.envelopeTo().map(DomainName::name).orElse(""),
                e.policy().text(), e.mode().keyword(), e.disposition().keyword(), overrides(e.overrides()),
                e.dmarc().keyword(), dmarcReason(e.dmarc()), e.dkimAligned() ? "1" : "0", e.spfAligned() ? "1" : "0",
                dkim(e.dkim()), spf(e.spf()));
    }

    /** SHA-256 (hex) of {@link #identity}. */
    static String rowKey(Evaluation e) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(identity(e).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
        }
    }

    static String dmarcReason(DmarcResult r) {
        return switch (r) {
            case DmarcResult.Pass p -> "";
            case DmarcResult.Fail f -> "";
            case DmarcResult.None n -> n.reason();
            case DmarcResult.TempError t -> t.reason();
            case DmarcResult.PermError p -> p.reason();
        };
    }

    static DmarcResult dmarc(String keyword, String reason) {
        String why = reason == null ? "" : reason;
        return switch (keyword) {
            case "pass" -> new DmarcResult.Pass();
            case "fail" -> new DmarcResult.Fail();
            case "none" -> new DmarcResult.None(why);
            case "temperror" -> new DmarcResult.TempError(why);
            case "permerror" -> new DmarcResult.PermError(why);
            default -> throw new IllegalArgumentException("unknown DMARC result '" + keyword + "'");
        };
    }

    static String overrides(List<OverrideReason> reasons) {
        List<String> items = new ArrayList<>();
        for (OverrideReason r : reasons) {
            items.add(enc(r.type().map(PolicyOverride::token).orElse("")) + "|" + enc(r.comment().orElse("")));
        }
        return String.join(";", items);
    }

    static List<OverrideReason> overrides(String text) {
        List<OverrideReason> out = new ArrayList<>();
        for (List<String> f : items(text)) {
            out.add(new OverrideReason(PolicyOverride.ofToken(f.get(0)), f.size() > 1 && !f.get(1).isEmpty()
                    ? Optional.of(f.get(1)) : Optional.empty()));
        }
        return out;
    }

    static String dkim(List<DkimOutcome> dkim) {
        List<String> items = new ArrayList<>();
        for (DkimOutcome d : dkim) {
            items.add(enc(d.domain().name()) + "|" + enc(d.selector().orElse("")) + "|" + d.result().keyword());
        }
        return String.join(";", items);
    }

    static List<DkimOutcome> dkim(String text) {
        List<DkimOutcome> out = new ArrayList<>();
        for (List<String> f : items(text)) {
            out.add(new DkimOutcome(DomainName.of(f.get(0)), f.get(1).isEmpty() ? Optional.empty()
                    : Optional.of(f.get(1)), authResult(f.get(2))));
        }
        return out;
    }

    static String spf(Optional<SpfOutcome> spf) {
        return spf.map(s -> enc(s.domain().name()) + "|" + s.result().keyword() + "|"
                + s.identity().name().toLowerCase(Locale.ROOT)).orElse("");
    }

    static Optional<SpfOutcome> spf(String text) {
        List<List<String>> items = items(text);
        if (items.isEmpty()) {
            return Optional.empty();
        }
        List<String> f = items.get(0);
        return Optional.of(new SpfOutcome(DomainName.of(f.get(0)), authResult(f.get(1)),
                SpfOutcome.Identity.valueOf(f.get(2).toUpperCase(Locale.ROOT))));
    }

    static DmarcRecord record(String text) {
        return switch (DmarcRecordParser.parse(text)) {
            case DmarcParseResult.Valid v -> v.record();
            case DmarcParseResult.NotDmarc n -> throw new IllegalArgumentException(
                    "stored policy record no longer parses: " + n.reason());
        };
    }

    static Evaluation decode(Instant received, String sourceIp, String headerFrom, String envelopeFrom,
            String envelopeTo, String policyDomain, String policy, String mode, String disposition, String overrides,
            String dmarc, String dmarcReason, boolean dkimAligned, boolean spfAligned, String dkim, String spf) {
        return new Evaluation(received, sourceIp, DomainName.of(headerFrom), optionalDomain(envelopeFrom),
                optionalDomain(envelopeTo), DomainName.of(policyDomain), record(policy),
                DmarcMode.valueOf(mode.toUpperCase(Locale.ROOT)),
                Disposition.valueOf(disposition.toUpperCase(Locale.ROOT)),
                overrides(overrides), dmarc(dmarc, dmarcReason), dkimAligned, spfAligned, dkim(dkim), spf(spf));
    }

    private static Optional<DomainName> optionalDomain(String s) {
        return s == null || s.isEmpty() ? Optional.empty() : Optional.of(DomainName.of(s));
    }

    private static AuthResult authResult(String keyword) {
        return AuthResult.parse(keyword).orElseThrow(() -> new IllegalArgumentException(
                "unknown authentication result '" + keyword + "'"));
    }

    private static List<List<String>> items(String text) {
        List<List<String>> out = new ArrayList<>();
        if (text == null || text.isEmpty()) {
            return out;
        }
        for (String item : text.split(";", -1)) {
            List<String> fields = new ArrayList<>();
            for (String f : item.split("\\|", -1)) {
                fields.add(dec(f));
            }
            out.add(fields);
        }
        return out;
    }

    static String enc(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '%', ';', '|', '\r', '\n' -> sb.append('%').append(String.format(Locale.ROOT, "%02X", (int) c));
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    static String dec(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length()) {
                sb.append((char) Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
