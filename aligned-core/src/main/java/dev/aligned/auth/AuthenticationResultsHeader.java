package dev.aligned.auth;

import dev.aligned.dkim.DkimResult;
import dev.aligned.dmarc.DmarcEvaluation;
import dev.aligned.mail.FromHeader;
import dev.aligned.spf.SpfResult;
import java.util.ArrayList;
import java.util.List;

/** Renders Authentication-Results (RFC 8601) for an {@link AuthenticationResult}. */
final class AuthenticationResultsHeader {
    private AuthenticationResultsHeader() {
    }

    static String render(AuthenticationResult r, String fold) {
        List<String> parts = new ArrayList<>();
        parts.add(spf(r.spf()));
        if (r.dkim().isEmpty()) {
            parts.add("dkim=none (message not signed)");
        }
        for (DkimResult k : r.dkim()) {
            parts.add(dkim(k));
        }
        parts.add(dmarc(r));
        StringBuilder sb = new StringBuilder("Authentication-Results: ").append(r.authservId());
        for (String p : parts) {
            sb.append(';').append(fold).append(p);
        }
        return sb.toString();
    }

    private static String spf(SpfResult s) {
        SpfResult.Details d = s.details();
        StringBuilder sb = new StringBuilder("spf=").append(s.code());
        String why = switch (s) {
            case SpfResult.Pass p -> d.clientIpText() + " is authorised by " + d.domain();
            case SpfResult.Fail f -> d.clientIpText() + " is not authorised by " + d.domain();
            case SpfResult.SoftFail f -> d.clientIpText() + " is not authorised by " + d.domain() + " (softfail)";
            case SpfResult.Neutral n -> d.clientIpText() + " is neither permitted nor denied by " + d.domain();
            case SpfResult.None n -> n.reason();
            case SpfResult.TempError t -> t.error();
            case SpfResult.PermError e -> e.error();
        };
        sb.append(" (").append(comment(why)).append(')');
        sb.append(" smtp.mailfrom=").append(value(d.sender()));
        if (!d.helo().isEmpty()) {
            sb.append(" smtp.helo=").append(value(d.helo()));
        }
        return sb.toString();
    }

    private static String dkim(DkimResult k) {
        StringBuilder sb = new StringBuilder("dkim=").append(k.keyword());
        sb.append(" (").append(comment(k.reason())).append(')');
        if (!k.signature().domain().isEmpty()) {
            sb.append(" header.d=").append(value(k.signature().domain()));
        }
        if (!k.signature().identity().isEmpty()) {
            sb.append(" header.i=").append(value(k.signature().identity()));
        }
        if (!k.signature().selector().isEmpty()) {
            sb.append(" header.s=").append(value(k.signature().selector()));
        }
        if (!k.signature().algorithm().isEmpty()) {
            sb.append(" header.a=").append(value(k.signature().algorithm()));
        }
        return sb.toString();
    }

    private static String dmarc(AuthenticationResult r) {
        StringBuilder sb = new StringBuilder("dmarc=").append(r.dmarc().keyword());
        if (r.evaluation().isPresent()) {
            DmarcEvaluation e = r.evaluation().get();
            List<String> c = new ArrayList<>();
            e.record().ifPresent(rec -> {
                rec.policy().ifPresent(p -> c.add("p=" + p.keyword()));
                rec.subdomainPolicy().ifPresent(p -> c.add("sp=" + p.keyword()));
                rec.nonExistentPolicy().ifPresent(p -> c.add("np=" + p.keyword()));
            });
            c.add("dis=" + e.disposition().keyword());
            if (e.testing()) {
                c.add("testing");
            }
            sb.append(" (").append(comment(String.join(" ", c))).append(')');
            sb.append(" header.from=").append(value(e.authorDomain().name()));
            e.policy().ifPresent(p -> sb.append(" policy.dmarc=")
                    .append(e.result() instanceof dev.aligned.dmarc.DmarcResult.Fail ? e.disposition().keyword()
                            : p.keyword()));
        } else {
            String why = switch (r.from()) {
                case FromHeader.NoFrom n -> "no From field";
                case FromHeader.MultipleFields m -> m.count() + " From fields";
                case FromHeader.MultipleDomains m -> "From field holds " + m.domains().size() + " domains";
                case FromHeader.Malformed m -> m.message();
                case FromHeader.Author a -> "";
            };
            if (!why.isEmpty()) {
                sb.append(" (").append(comment(why)).append(')');
            }
        }
        return sb.toString();
    }

    /** A comment's text with parentheses and backslashes escaped and control characters removed. */
    static String comment(String text) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < text.length() && sb.length() < 200; i++) {
            char c = text.charAt(i);
            if (c == '(' || c == ')' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                sb.append(' ');
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** A property value: as is when it is a token or an address, otherwise a quoted string. */
    static String value(String v) {
        boolean plain = !v.isEmpty();
        for (int i = 0; i < v.length() && plain; i++) {
            char c = v.charAt(i);
            plain = c > 0x20 && c < 0x7f && "()<>,;:\\\"/[]?=".indexOf(c) < 0;
        }
        if (plain) {
            return v;
        }
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c < 0x20 || c == 0x7f ? ' ' : c);
        }
        return sb.append('"').toString();
    }
}
