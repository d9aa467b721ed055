package dev.aligned.spf;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A syntactically valid SPF record (RFC 7208 sections 4.5, 4.6 and 12), parsed once: its terms in order, the
 * mechanisms, and the {@code redirect=} and {@code exp=} modifiers.
 *
 * <pre>{@code
 * switch (SpfRecord.parse("v=spf1 ip4:192.0.2.0/24 include:_spf.example.net -all")) {
 *     case SpfParseResult.Valid v -> v.record().mechanisms().size();          // 3
 *     case SpfParseResult.Invalid bad -> System.err.println(bad.first());   // SPF record, column ..: ...
 * }
 * }</pre>
 */
public final class SpfRecord {
    private final String text;
    private final List<Term> terms;
    private final Term.Mechanism[] mechanisms;
    private final Term.Redirect redirect;
    private final Term.Exp exp;

    SpfRecord(String text, List<Term> terms, Term.Redirect redirect, Term.Exp exp) {
        this.text = text;
        this.terms = List.copyOf(terms);
        List<Term.Mechanism> m = new ArrayList<>(terms.size());
        for (Term t : terms) {
            if (t instanceof Term.Mechanism mech) {
                m.add(mech);
            }
        }
        this.mechanisms = m.toArray(new Term.Mechanism[0]);
        this.redirect = redirect;
        this.exp = exp;
    }

    /** Parses {@code text}, which must start with {@code v=spf1}; never throws for bad input. */
    public static SpfParseResult parse(String text) {
        return RecordParser.parse(text);
    }

    /**
     * True when {@code txt} is an SPF version 1 record by RFC 7208 section 4.5: it starts with {@code v=spf1}
     * (any case) followed by a space or the end.
     */
    public static boolean isSpf(String txt) {
        if (txt.length() < 6 || !txt.regionMatches(true, 0, "v=spf1", 0, 6)) {
            return false;
        }
        return txt.length() == 6 || txt.charAt(6) == ' ';
    }

    /** The record text as published. */
    public String text() {
        return text;
    }

    /** All terms, in order. */
    public List<Term> terms() {
        return terms;
    }

    /** The mechanisms, in order. */
    public List<Term.Mechanism> mechanisms() {
        return List.of(mechanisms);
    }

    Term.Mechanism[] mechanismArray() {
        return mechanisms;
    }

    /** The {@code redirect=} modifier, if any. */
    public Optional<Term.Redirect> redirect() {
        return Optional.ofNullable(redirect);
    }

    Term.Redirect redirectOrNull() {
        return redirect;
    }

    /** The {@code exp=} modifier, if any. */
    public Optional<Term.Exp> exp() {
        return Optional.ofNullable(exp);
    }

    Term.Exp expOrNull() {
        return exp;
    }

    /** How many terms of this record alone ask the DNS (include, a, mx, ptr, exists, redirect). */
    public int dnsTermCount() {
        int n = redirect == null ? 0 : 1;
        for (Term.Mechanism m : mechanisms) {
            if (m.queriesDns()) {
                n++;
            }
        }
        return n;
    }

    /** The record rebuilt from its terms, one space apart: {@code v=spf1 term term ...}. */
    public String normalized() {
        StringBuilder sb = new StringBuilder("v=spf1");
        for (Term t : terms) {
            sb.append(' ').append(t.text());
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return text;
    }
}
