package dev.aligned.server.web;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A bounded reader of {@code multipart/form-data} bodies (RFC 7578) already held in memory (the caller limits the
 * size): text fields and file parts. At most 16 parts; anything malformed is an {@link Optional#empty()} with no
 * exception.
 */
final class Multipart {
    static final int MAX_PARTS = 16;

    record FilePart(String field, String filename, byte[] bytes) {
    }

    record Form(Map<String, String> fields, List<FilePart> files) {
    }

    private Multipart() {
    }

    /** The boundary from a Content-Type such as {@code multipart/form-data; boundary=xyz}. */
    static Optional<String> boundary(String contentType) {
        if (contentType == null || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/form-data")) {
            return Optional.empty();
        }
        for (String p : contentType.split(";")) {
            String t = p.trim();
            if (t.regionMatches(true, 0, "boundary=", 0, 9)) {
                String b = t.substring(9);
                if (b.length() >= 2 && b.startsWith("\"") && b.endsWith("\"")) {
                    b = b.substring(1, b.length() - 1);
                }
                return b.isEmpty() || b.length() > 70 ? Optional.empty() : Optional.of(b);
            }
        }
        return Optional.empty();
    }

    static Optional<Form> parse(byte[] body, String boundary) {
        byte[] delim = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        int pos = indexOf(body, delim, 0);
        if (pos < 0) {
            return Optional.empty();
        }
        Map<String, String> fields = new LinkedHashMap<>();
        List<FilePart> files = new ArrayList<>();
        int parts = 0;
        while (true) {
            int afterDelim = pos + delim.length;
            if (afterDelim + 1 < body.length && body[afterDelim] == '-' && body[afterDelim + 1] == '-') {
                return Optional.of(new Form(fields, files));
            }
            int headStart = skipCrlf(body, afterDelim);
            int headEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), headStart);
            if (headEnd < 0 || ++parts > MAX_PARTS) {
                return Optional.empty();
            }
            String headers = new String(body, headStart, headEnd - headStart, StandardCharsets.UTF_8);
            int dataStart = headEnd + 4;
            byte[] next = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
            int dataEnd = indexOf(body, next, dataStart);
            if (dataEnd < 0) {
                return Optional.empty();
            }
            String name = null;
            String filename = null;
            for (String line : headers.split("\r\n")) {
                if (line.regionMatches(true, 0, "Content-Disposition:", 0, 20)) {
                    name = param(line, "name");
                    filename = param(line, "filename");
                }
            }
            if (name == null) {
                return Optional.empty();
            }
            byte[] data = java.util.Arrays.copyOfRange(body, dataStart, dataEnd);
            if (filename != null) {
                files.add(new FilePart(name, filename, data));
            } else {
                fields.put(name, new String(data, StandardCharsets.UTF_8));
            }
            pos = dataEnd + 2;
        }
    }

    private static String param(String header, String key) {
        for (String p : header.split(";")) {
            String t = p.trim();
            if (t.startsWith(key + "=")) {
                String v = t.substring(key.length() + 1);
                if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                    v = v.substring(1, v.length() - 1);
                }
                return v;
            }
        }
        return null;
    }

    private static int skipCrlf(byte[] b, int i) {
        return i + 1 < b.length && b[i] == '\r' && b[i + 1] == '\n' ? i + 2 : i;
    }

    static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = Math.max(0, from); i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
