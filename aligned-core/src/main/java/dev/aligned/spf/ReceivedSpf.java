package dev.aligned.spf;

import java.util.Objects;

/**
 * Renders the {@code Received-SPF} header field of RFC 7208 section 9.1 for a result: the result, a comment
 * in words, and the key-value pairs {@code client-ip}, {@code envelope-from}, {@code helo}, {@code receiver},
 * {@code identity}, and {@code mechanism} (the deciding term) or {@code problem} (for errors).
 *
 * <pre>{@code
 * ReceivedSpf.render(result, "mx.example.org");
 * // Received-SPF: pass (mx.example.org: domain of alice@example.com designates 192.0.2.10 as permitted sender)
 * //  client-ip=192.0.2.10; envelope-from="alice@example.com"; helo=mail.example.com; receiver=mx.example.org;
 * //  identity=mailfrom; mechanism="ip4:192.0.2.0/24"
 * }</pre>
 */
public final class ReceivedSpf {
    private ReceivedSpf() {
    }

    /** The whole header field, {@code Received-SPF: ...}, on one line without CRLF. */
    public static String render(SpfResult result, String receiver) {
        return "Received-SPF: " + value(result, receiver);
    }

    /** The field body: result, comment and key-value pairs. */
    public static String value(SpfResult result, String receiver) {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(receiver, "receiver");
        SpfResult.Details d = result.details();
        String ip = d.clientIpText();
        String who = d.identity() == SpfResult.Identity.HELO ? "helo " + d.helo() : "domain of " + d.sender();
        String comment = switch (result) {
            case SpfResult.Pass p -> who + " designates " + ip + " as permitted sender";
            case SpfResult.Fail f -> who + " does not designate " + ip + " as permitted sender";
            case SpfResult.SoftFail s -> "transitioning " + who + " does not designate " + ip + " as permitted sender";
            case SpfResult.Neutral n -> ip + " is neither permitted nor denied by " + who;
            case SpfResult.None n -> who + " does not designate permitted sender hosts";
            case SpfResult.TempError t -> "error in processing during lookup of " + who + ": " + t.error();
            case SpfResult.PermError e -> "permanent error in processing " + who + ": " + e.error();
        };
        StringBuilder sb = new StringBuilder(256);
        sb.append(result.code()).append(" (").append(comment(receiver + ": " + comment)).append(")");
        pair(sb, "client-ip", ip);
        if (d.identity() == SpfResult.Identity.MAILFROM) {
            pair(sb, "envelope-from", d.sender());
        }
        if (!d.helo().isEmpty()) {
            pair(sb, "helo", d.helo());
        }
        pair(sb, "receiver", receiver);
        pair(sb, "identity", d.identity().keyword());
        result.mechanism().ifPresent(m -> {
            if (!(result instanceof SpfResult.PermError)) {
                pair(sb, "mechanism", m.term());
            }
        });
        if (result instanceof SpfResult.PermError || result instanceof SpfResult.TempError) {
            pair(sb, "problem", result.problem().orElse(""));
        }
        return sb.toString();
    }

    private static void pair(StringBuilder sb, String key, String value) {
        sb.append(sb.charAt(sb.length() - 1) == ')' ? " " : "; ").append(key).append('=');
        if (dotAtom(value)) {
            sb.append(value);
        } else {
            sb.append('"');
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c == '"' || c == '\\') {
                    sb.append('\\');
                }
                sb.append(c < 0x20 || c == 0x7f ? '?' : c);
            }
            sb.append('"');
        }
    }

    /** RFC 5322 dot-atom: atext runs separated by single dots. */
    static boolean dotAtom(String s) {
        if (s.isEmpty() || s.charAt(0) == '.' || s.charAt(s.length() - 1) == '.') {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '.') {
                if (s.charAt(i - 1) == '.') {
                    return false;
                }
            } else if (!atext(c)) {
                return false;
            }
        }
        return true;
    }

    private static boolean atext(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0;
    }

    /** Comment text: parentheses and backslashes escaped, control characters replaced. */
    private static String comment(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(' || c == ')' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return sb.toString();
    }
}
