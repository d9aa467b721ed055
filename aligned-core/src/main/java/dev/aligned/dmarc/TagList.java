package dev.aligned.dmarc;

import java.util.ArrayList;
import java.util.List;

/**
 * A minimal tag=value tokenizer for DMARC records (RFC 9989 section 4.8: DKIM's tag-list syntax with
 * {@code *WSP ";" *WSP} separators). It keeps 1-based columns for messages and never throws.
 */
final class TagList {

    /** One {@code name=value} pair; {@code name} is as written, {@code value} trimmed of surrounding WSP. */
    record Tag(String name, int nameColumn, String value, int valueColumn) {
    }

    /** One segment that is not a tag. */
    record Bad(int column, String message) {
    }

    final List<Tag> tags = new ArrayList<>();
    final List<Bad> bad = new ArrayList<>();

    private TagList() {
    }

    static TagList tokenize(String text) {
        TagList list = new TagList();
        int start = 0;
        int n = text.length();
        while (start <= n) {
            int semi = text.indexOf(';', start);
            int end = semi < 0 ? n : semi;
            list.segment(text, start, end, semi < 0);
            if (semi < 0) {
                break;
            }
            start = semi + 1;
        }
        return list;
    }

    private void segment(String text, int from, int to, boolean last) {
        int s = from;
        int e = to;
        while (s < e && isWsp(text.charAt(s))) {
            s++;
        }
        while (e > s && isWsp(text.charAt(e - 1))) {
            e--;
        }
        if (s == e) {
            if (!last) {
                bad.add(new Bad(from + 1, "empty tag between ';' separators"));
            }
            return;
        }
        int eq = text.indexOf('=', s);
        if (eq < 0 || eq >= e) {
            bad.add(new Bad(s + 1, "'" + clip(text.substring(s, e)) + "' is not a tag=value pair"));
            return;
        }
        int ne = eq;
        while (ne > s && isWsp(text.charAt(ne - 1))) {
            ne--;
        }
        int vs = eq + 1;
        while (vs < e && isWsp(text.charAt(vs))) {
            vs++;
        }
        String name = text.substring(s, ne);
        if (name.isEmpty()) {
            bad.add(new Bad(s + 1, "'=' without a tag name before it"));
            return;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
                bad.add(new Bad(s + 1, "tag name '" + clip(name) + "' is not letters only"));
                return;
            }
        }
        tags.add(new Tag(name, s + 1, text.substring(vs, e), vs + 1));
    }

    static boolean isWsp(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    static String clip(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
