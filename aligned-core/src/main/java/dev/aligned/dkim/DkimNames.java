package dev.aligned.dkim;

import dev.aligned.dns.DomainName;

/** Syntax checks for the names in DKIM tags (d=, s=, the domain of i=). */
final class DkimNames {
    private DkimNames() {
    }

    /**
     * Why {@code text} is not a DKIM domain or selector (dot-separated labels of letters, digits, '-' and '_'),
     * such as "character '('" or "empty label"; null when fine. {@link #badOffset(String)} says where.
     */
    static String problem(String text) {
        int at = badOffset(text);
        return at < 0 ? null : problemAt(text, at);
    }

    /** The offset of the first problem in {@code text}, or -1. */
    static int badOffset(String text) {
        if (text.isEmpty()) {
            return 0;
        }
        int labelStart = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == '.') {
                if (i == labelStart || i - labelStart > DomainName.MAX_LABEL_LENGTH) {
                    return labelStart;
                }
                labelStart = i + 1;
                continue;
            }
            char c = text.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
                return i;
            }
        }
        return text.length() > DomainName.MAX_LENGTH ? DomainName.MAX_LENGTH : -1;
    }

    private static String problemAt(String text, int at) {
        if (text.isEmpty()) {
            return "empty";
        }
        if (at == DomainName.MAX_LENGTH && text.length() > DomainName.MAX_LENGTH
                && badLabelAt(text, at) == null) {
            return "longer than " + DomainName.MAX_LENGTH + " characters";
        }
        String label = badLabelAt(text, at);
        return label != null ? label : "character " + dev.aligned.internal.TagValueList.describeChar(text.charAt(at));
    }

    /** The label problem of the label starting at {@code at}, or null when the problem is a character. */
    private static String badLabelAt(String text, int at) {
        if (at == text.length() || text.charAt(at) == '.') {
            return "empty label";
        }
        boolean labelStart = at == 0 || text.charAt(at - 1) == '.';
        if (labelStart) {
            int end = text.indexOf('.', at);
            int len = (end < 0 ? text.length() : end) - at;
            if (len > DomainName.MAX_LABEL_LENGTH) {
                return "label longer than " + DomainName.MAX_LABEL_LENGTH + " characters";
            }
        }
        return null;
    }

    /** True when {@code sub} equals {@code parent} or is a subdomain of it (ASCII case ignored). */
    static boolean isSameOrSubdomain(String sub, String parent) {
        String s = sub.toLowerCase(java.util.Locale.ROOT);
        String p = parent.toLowerCase(java.util.Locale.ROOT);
        return s.equals(p) || s.endsWith("." + p);
    }
}
