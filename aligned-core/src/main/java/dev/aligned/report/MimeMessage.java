package dev.aligned.report;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A small, bounded MIME walker (RFC 2045/2046) over a message held in memory (at most
 * {@link ReportLimits#maxMessageBytes()}): it splits multiparts, descends into attached messages, and lists the
 * leaf parts with their type, file name and decoded body. It only needs to find report attachments, so it keeps
 * no more structure than that; {@link ReportLimits#maxMimeParts()} and {@link ReportLimits#maxMimeDepth()}
 * bound the work.
 */
final class MimeMessage {

    /** A header field, name as written, value unfolded. */
    record Header(String name, String value) {
    }

    /** A leaf part (or a message/rfc822 part, listed before its own leaves). */
    record Part(List<Header> headers, String type, Map<String, String> params, String fileName, String encoding,
            byte[] data, int bodyStart, int bodyEnd, int depth, boolean inMessage) {

        String header(String name) {
            for (Header h : headers) {
                if (h.name().equalsIgnoreCase(name)) {
                    return h.value();
                }
            }
            return null;
        }

        /** The body with its transfer encoding removed. */
        byte[] decoded() {
            return decode(data, bodyStart, bodyEnd, encoding);
        }

        /** The raw bytes of the part's header block and body start offset (for rfc822 parts). */
        String bodyText() {
            String cs = params.getOrDefault("charset", "utf-8");
            Charset charset;
            try {
                charset = Charset.forName(cs);
            } catch (IllegalArgumentException e) {
                charset = StandardCharsets.UTF_8;
            }
            return new String(decoded(), charset);
        }
    }

    private final byte[] data;
    private final ReportLimits limits;
    private final List<Part> parts = new ArrayList<>();
    final List<Header> topHeaders;
    private int count;

    private MimeMessage(byte[] data, ReportLimits limits) throws LimitExceededException {
        this.data = data;
        this.limits = limits;
        int[] bodyStart = new int[1];
        this.topHeaders = headers(data, 0, data.length, bodyStart);
        walk(topHeaders, bodyStart[0], data.length, 0, false);
    }

    static MimeMessage parse(byte[] data, ReportLimits limits) throws LimitExceededException {
        return new MimeMessage(data, limits);
    }

    List<Part> parts() {
        return parts;
    }

    String topHeader(String name) {
        for (Header h : topHeaders) {
            if (h.name().equalsIgnoreCase(name)) {
                return h.value();
            }
        }
        return null;
    }

    private void walk(List<Header> headers, int start, int end, int depth, boolean inMessage)
            throws LimitExceededException {
        if (++count > limits.maxMimeParts()) {
            throw new LimitExceededException("message has more than " + limits.maxMimeParts()
                    + " MIME parts (ReportLimits.maxMimeParts)");
        }
        if (depth > limits.maxMimeDepth()) {
            throw new LimitExceededException("MIME parts nested deeper than " + limits.maxMimeDepth()
                    + " levels (ReportLimits.maxMimeDepth)");
        }
        String ct = null;
        String cd = null;
        String cte = null;
        for (Header h : headers) {
            String n = h.name().toLowerCase(Locale.ROOT);
            if (ct == null && n.equals("content-type")) {
                ct = h.value();
            } else if (cd == null && n.equals("content-disposition")) {
                cd = h.value();
            } else if (cte == null && n.equals("content-transfer-encoding")) {
                cte = h.value();
            }
        }
        String type = "text/plain";
        Map<String, String> params = Map.of();
        if (ct != null) {
            int semi = ct.indexOf(';');
            type = (semi < 0 ? ct : ct.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
            params = params(semi < 0 ? "" : ct.substring(semi + 1));
        }
        Map<String, String> dparams = cd == null ? Map.of() : params(cd.indexOf(';') < 0 ? ""
                : cd.substring(cd.indexOf(';') + 1));
        String fileName = dparams.getOrDefault("filename", params.getOrDefault("name", ""));
        fileName = decodeWords(fileName);
        String encoding = cte == null ? "7bit" : cte.strip().toLowerCase(Locale.ROOT);
        String boundary = params.get("boundary");
        if (type.startsWith("multipart/") && boundary != null && !boundary.isEmpty()) {
            parts.add(new Part(headers, type, params, fileName, encoding, data, start, end, depth, inMessage));
            for (int[] range : split(start, end, boundary)) {
                int[] bs = new int[1];
                List<Header> h = headers(data, range[0], range[1], bs);
                walk(h, bs[0], range[1], depth + 1, inMessage);
            }
            return;
        }
        parts.add(new Part(headers, type, params, fileName, encoding, data, start, end, depth, inMessage));
        if (type.equals("message/rfc822") && !encoding.equals("base64") && !encoding.equals("quoted-printable")) {
            int[] bs = new int[1];
            List<Header> h = headers(data, start, end, bs);
            walk(h, bs[0], end, depth + 1, true);
        }
    }

    /** Body ranges between boundary delimiter lines. */
    private List<int[]> split(int start, int end, String boundary) throws LimitExceededException {
        byte[] delim = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        List<int[]> out = new ArrayList<>();
        int partStart = -1;
        int i = start;
        while (i < end) {
            int lineEnd = i;
            while (lineEnd < end && data[lineEnd] != '\n') {
                lineEnd++;
            }
            if (startsWith(i, lineEnd, delim)) {
                if (partStart >= 0) {
                    int pe = i;
                    if (pe > partStart && data[pe - 1] == '\n') {
                        pe--;
                        if (pe > partStart && data[pe - 1] == '\r') {
                            pe--;
                        }
                    }
                    out.add(new int[] {partStart, pe});
                    if (out.size() + count > limits.maxMimeParts()) {
                        throw new LimitExceededException("message has more than " + limits.maxMimeParts()
                                + " MIME parts (ReportLimits.maxMimeParts)");
                    }
                }
                boolean close = lineEnd - i >= delim.length + 2 && data[i + delim.length] == '-'
                        && data[i + delim.length + 1] == '-';
                if (close) {
                    return out;
                }
                partStart = Math.min(end, lineEnd + 1);
            }
            i = lineEnd + 1;
        }
        if (partStart >= 0 && partStart < end) {
            out.add(new int[] {partStart, end});
        }
        return out;
    }

    private boolean startsWith(int i, int lineEnd, byte[] prefix) {
        if (lineEnd - i < prefix.length) {
            return false;
        }
        for (int k = 0; k < prefix.length; k++) {
            if (data[i + k] != prefix[k]) {
                return false;
            }
        }
        return true;
    }

    /** Parses a header block from {@code start}; sets {@code bodyStart[0]} past the blank line. */
    static List<Header> headers(byte[] d, int start, int end, int[] bodyStart) {
        List<Header> out = new ArrayList<>();
        StringBuilder cur = null;
        String name = null;
        int i = start;
        bodyStart[0] = end;
        while (i < end) {
            int le = i;
            while (le < end && d[le] != '\n') {
                le++;
            }
            int contentEnd = le > i && d[le - 1] == '\r' ? le - 1 : le;
            if (contentEnd == i) {
                bodyStart[0] = Math.min(end, le + 1);
                break;
            }
            String line = new String(d, i, contentEnd - i, StandardCharsets.UTF_8);
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && cur != null) {
                cur.append(' ').append(line.strip());
            } else {
                if (name != null) {
                    out.add(new Header(name, cur.toString().strip()));
                    name = null;
                    cur = null;
                }
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).strip().indexOf(' ') < 0) {
                    name = line.substring(0, colon).strip();
                    cur = new StringBuilder(line.substring(colon + 1));
                } else if (out.isEmpty() && line.startsWith("From ")) {
                    // mbox separator line at the top: not a header
                } else if (!out.isEmpty() || name != null) {
                    // not a header line: the header block ended without a blank line
                    bodyStart[0] = i;
                    break;
                }
            }
            i = le + 1;
        }
        if (name != null) {
            out.add(new Header(name, cur.toString().strip()));
        }
        return out;
    }

    /** Content-Type / Content-Disposition parameters, names lower-cased; RFC 2231 continuations joined. */
    static Map<String, String> params(String s) {
        Map<String, String> out = new LinkedHashMap<>();
        Map<String, TreeMap<Integer, String>> continued = new LinkedHashMap<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            while (i < n && (s.charAt(i) == ';' || Character.isWhitespace(s.charAt(i)))) {
                i++;
            }
            int eq = s.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String key = s.substring(i, eq).strip().toLowerCase(Locale.ROOT);
            i = eq + 1;
            while (i < n && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            StringBuilder v = new StringBuilder();
            if (i < n && s.charAt(i) == '"') {
                i++;
                while (i < n && s.charAt(i) != '"') {
                    if (s.charAt(i) == '\\' && i + 1 < n) {
                        i++;
                    }
                    v.append(s.charAt(i++));
                }
                i++;
            } else {
                while (i < n && s.charAt(i) != ';') {
                    v.append(s.charAt(i++));
                }
            }
            String value = v.toString().strip();
            boolean extended = key.endsWith("*");
            String base = extended ? key.substring(0, key.length() - 1) : key;
            int star = base.indexOf('*');
            if (star > 0) {
                try {
                    int idx = Integer.parseInt(base.substring(star + 1));
                    String b = base.substring(0, star);
                    continued.computeIfAbsent(b, k -> new TreeMap<>())
                            .put(idx, extended ? (idx == 0 ? rfc2231(value) : pct(value, StandardCharsets.UTF_8))
                                    : value);
                    continue;
                } catch (NumberFormatException e) {
                    // not a continuation: keep as is
                }
            }
            out.putIfAbsent(base, extended ? rfc2231(value) : value);
        }
        for (Map.Entry<String, TreeMap<Integer, String>> e : continued.entrySet()) {
            out.putIfAbsent(e.getKey(), String.join("", e.getValue().values()));
        }
        return out;
    }

    private static String rfc2231(String v) {
        int a = v.indexOf('\'');
        int b = a < 0 ? -1 : v.indexOf('\'', a + 1);
        if (b < 0) {
            return pct(v, StandardCharsets.UTF_8);
        }
        Charset cs;
        try {
            cs = Charset.forName(v.substring(0, a));
        } catch (IllegalArgumentException e) {
            cs = StandardCharsets.UTF_8;
        }
        return pct(v.substring(b + 1), cs);
    }

    private static String pct(String v, Charset cs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '%' && i + 2 < v.length()
                    && Character.digit(v.charAt(i + 1), 16) >= 0 && Character.digit(v.charAt(i + 2), 16) >= 0) {
                out.write(Integer.parseInt(v.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(cs);
                out.write(b, 0, b.length);
            }
        }
        return out.toString(cs);
    }

    /** Decodes RFC 2047 encoded words (B and Q); anything odd is left as written. */
    static String decodeWords(String s) {
        if (s.indexOf("=?") < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            int st = s.indexOf("=?", i);
            if (st < 0) {
                out.append(s, i, s.length());
                break;
            }
            int q1 = s.indexOf('?', st + 2);
            int q2 = q1 < 0 ? -1 : s.indexOf('?', q1 + 1);
            int en = q2 < 0 ? -1 : s.indexOf("?=", q2 + 1);
            if (en < 0) {
                out.append(s, i, s.length());
                break;
            }
            String between = s.substring(i, st);
            if (!between.isBlank() || i == 0) {
                out.append(between);
            }
            try {
                Charset cs = Charset.forName(s.substring(st + 2, q1));
                String enc = s.substring(q1 + 1, q2);
                String text = s.substring(q2 + 1, en);
                byte[] bytes;
                if (enc.equalsIgnoreCase("B")) {
                    bytes = base64(text.getBytes(StandardCharsets.ISO_8859_1), 0, text.length());
                } else {
                    byte[] raw = text.replace('_', ' ').getBytes(StandardCharsets.ISO_8859_1);
                    bytes = quotedPrintable(raw, 0, raw.length);
                }
                out.append(new String(bytes, cs));
            } catch (IllegalArgumentException e) {
                out.append(s, st, en + 2);
            }
            i = en + 2;
        }
        return out.toString();
    }

    static byte[] decode(byte[] d, int start, int end, String encoding) {
        return switch (encoding) {
            case "base64" -> base64(d, start, end);
            case "quoted-printable" -> quotedPrintable(d, start, end);
            default -> java.util.Arrays.copyOfRange(d, start, end);
        };
    }

    /** Lenient base64: non-alphabet bytes skipped, a dangling final character dropped. */
    static byte[] base64(byte[] d, int start, int end) {
        byte[] clean = new byte[end - start + 3];
        int n = 0;
        for (int i = start; i < end; i++) {
            byte b = d[i];
            if (b == '=') {
                break;
            }
            if ((b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '+' || b == '/'
                    || b == '-' || b == '_') {
                clean[n++] = b == '-' ? (byte) '+' : b == '_' ? (byte) '/' : b;
            }
        }
        if (n % 4 == 1) {
            n--;
        }
        while (n % 4 != 0) {
            clean[n++] = '=';
        }
        return Base64.getDecoder().decode(java.util.Arrays.copyOf(clean, n));
    }

    static byte[] quotedPrintable(byte[] d, int start, int end) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(end - start);
        for (int i = start; i < end; i++) {
            byte b = d[i];
            if (b == '=') {
                if (i + 1 < end && d[i + 1] == '\n') {
                    i += 1;
                    continue;
                }
                if (i + 2 < end && d[i + 1] == '\r' && d[i + 2] == '\n') {
                    i += 2;
                    continue;
                }
                if (i + 2 < end) {
                    int h = Character.digit(d[i + 1], 16);
                    int l = Character.digit(d[i + 2], 16);
                    if (h >= 0 && l >= 0) {
                        out.write(h * 16 + l);
                        i += 2;
                        continue;
                    }
                }
            }
            out.write(b);
        }
        return out.toByteArray();
    }
}
