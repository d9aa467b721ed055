package dev.aligned.spf;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of an SPF check (RFC 7208 section 2.6), with what decided it, the lookups it took and a trace.
 *
 * <pre>{@code
 * String verdict = switch (result) {
 *     case SpfResult.Pass p -> "authorised by " + p.match().term();
 *     case SpfResult.Fail f -> "refused: " + f.explanation().orElse("not authorised");
 *     case SpfResult.SoftFail s -> "suspicious";
 *     case SpfResult.Neutral n -> "no assertion";
 *     case SpfResult.None n -> "no SPF record: " + n.reason();
 *     case SpfResult.TempError t -> "try later: " + t.error();
 *     case SpfResult.PermError e -> "broken record: " + e.error();
 * };
 * }</pre>
 */
public sealed interface SpfResult {

    /** What was checked and what it cost. */
    Details details();

    /** The result name as RFC 7208 writes it: {@code pass}, {@code fail}, {@code softfail}, ... */
    String code();

    /** The mechanism that decided the result, if one did. */
    default Optional<Match> mechanism() {
        return switch (this) {
            case Pass p -> Optional.of(p.match());
            case Fail f -> Optional.of(f.match());
            case SoftFail s -> Optional.of(s.match());
            case Neutral n -> n.match();
            case None n -> Optional.empty();
            case TempError t -> Optional.empty();
            case PermError e -> e.term();
        };
    }

    /** The explanation of a {@code fail} (RFC 7208 section 6.2), or the error of a temperror/permerror. */
    default Optional<String> problem() {
        return switch (this) {
            case TempError t -> Optional.of(t.error());
            case PermError e -> Optional.of(e.error());
            case None n -> Optional.of(n.reason());
            default -> Optional.empty();
        };
    }

    /** The client is authorised. */
    record Pass(Match match, Details details) implements SpfResult {
        public Pass {
            Objects.requireNonNull(match, "match");
            Objects.requireNonNull(details, "details");
        }

        @Override
        public String code() {
            return "pass";
        }
    }

    /** The client is not authorised; {@code explanation} comes from the domain's {@code exp=} or the default. */
    record Fail(Match match, Optional<String> explanation, Details details) implements SpfResult {
        public Fail {
            Objects.requireNonNull(match, "match");
            Objects.requireNonNull(explanation, "explanation");
            Objects.requireNonNull(details, "details");
        }

        @Override
        public String code() {
            return "fail";
        }
    }

    /** The client is probably not authorised. */
    record SoftFail(Match match, Details details) implements SpfResult {
        public SoftFail {
            Objects.requireNonNull(match, "match");
            Objects.requireNonNull(details, "details");
        }

        @Override
        public String code() {
            return "softfail";
        }
    }

    /** The domain asserts nothing about the client: a {@code ?} mechanism matched, or nothing matched. */
    record Neutral(Optional<Match> match, Details details) implements SpfResult {
        public Neutral {
            Objects.requireNonNull(match, "match");
            Objects.requireNonNull(details, "details");
        }

        @Override
        public String code() {
            return "neutral";
        }
    }

    /** No SPF record, or the identity is not a valid domain; {@code reason} says which. */
    record None(String reason, Details details) implements SpfResult {
        public None {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(details, "details");
        }

        @Override
        public String code() {
            return "none";
        }
    }

    /** A transient DNS failure; the same check may succeed later. */
    record TempError(String error, Details details) implements SpfResult {
        public TempError {
            Objects.requireNonNull(error, "error");
            Objects.requireNonNull(details, "details");
        }

        @Override
        public String code() {
            return "temperror";
        }
    }

    /**
     * The published records cannot be interpreted (syntax error, limit exceeded, include without a record...).
     * {@code term} is the term at fault when one is; {@code hint} says what to change when that is clear.
     */
    record PermError(String error, Optional<Match> term, Optional<String> hint, Details details) implements SpfResult {
        public PermError {
            Objects.requireNonNull(error, "error");
            Objects.requireNonNull(term, "term");
            Objects.requireNonNull(hint, "hint");
            Objects.requireNonNull(details, "details");
        }

        @Override
        public String code() {
            return "permerror";
        }
    }

    /** A term of some domain's record: its text, that domain, and its 1-based column in the record. */
    record Match(String term, String domain, int column) {
        public Match {
            Objects.requireNonNull(term, "term");
            Objects.requireNonNull(domain, "domain");
        }

        @Override
        public String toString() {
            return term + " (" + domain + ", column " + column + ")";
        }
    }

    /** Which identity was checked (RFC 7208 section 2). */
    enum Identity {
        /** The MAIL FROM (or postmaster@HELO for a null reverse-path). */
        MAILFROM,
        /** The HELO/EHLO name. */
        HELO;

        /** The name used in Received-SPF {@code identity=}. */
        public String keyword() {
            return this == MAILFROM ? "mailfrom" : "helo";
        }
    }

    /** One step of the evaluation, at {@code depth} (0 for the checked domain, +1 per include/redirect). */
    record Step(int depth, String domain, String text) {
        @Override
        public String toString() {
            return "  ".repeat(depth) + domain + ": " + text;
        }
    }

    /**
     * What was checked: the identity, client, sender (after postmaster@ substitution), HELO, the domain checked,
     * the number of DNS-querying terms and of void lookups counted (RFC 7208 section 4.6.4), and the trace.
     */
    record Details(Identity identity, InetAddress clientIp, String sender, String helo, String domain,
                   int dnsLookups, int voidLookups, List<Step> trace) {
        public Details {
            Objects.requireNonNull(identity, "identity");
            Objects.requireNonNull(clientIp, "clientIp");
            Objects.requireNonNull(sender, "sender");
            Objects.requireNonNull(helo, "helo");
            Objects.requireNonNull(domain, "domain");
            trace = List.copyOf(trace);
        }

        /** The client address as SPF sees it: dotted quad (also for IPv4-mapped IPv6) or RFC 5952 IPv6. */
        public String clientIpText() {
            return Ip.text(clientIp);
        }
    }
}
