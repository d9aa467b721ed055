package dev.aligned.report;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Looks at the first bytes of an XML document: byte order mark, junk before the first {@code <}, and the
 * encoding declared in the XML declaration. Leaves the stream positioned at the first {@code <}.
 */
final class XmlPrelude {
    static final int HEAD = 8192;
    private static final Pattern ENCODING = Pattern.compile("encoding\\s*=\\s*[\"']([A-Za-z0-9._:-]+)[\"']");

    final BufferedInputStream in;
    final Charset charset;
    final boolean empty;

    private XmlPrelude(BufferedInputStream in, Charset charset, boolean empty) {
        this.in = in;
        this.charset = charset;
        this.empty = empty;
    }

    static XmlPrelude read(InputStream raw, Warnings warnings) throws IOException {
        BufferedInputStream in = raw instanceof BufferedInputStream b ? b : new BufferedInputStream(raw, 65536);
        in.mark(HEAD + 1);
        byte[] head = in.readNBytes(HEAD);
        in.reset();
        if (head.length == 0) {
            return new XmlPrelude(in, StandardCharsets.UTF_8, true);
        }
        int skip = 0;
        Charset charset = null;
        if (head.length >= 3 && (head[0] & 0xff) == 0xEF && (head[1] & 0xff) == 0xBB && (head[2] & 0xff) == 0xBF) {
            skip = 3;
            charset = StandardCharsets.UTF_8;
        } else if (head.length >= 2 && (head[0] & 0xff) == 0xFE && (head[1] & 0xff) == 0xFF) {
            in.skipNBytes(2);
            return new XmlPrelude(in, StandardCharsets.UTF_16BE, false);
        } else if (head.length >= 2 && (head[0] & 0xff) == 0xFF && (head[1] & 0xff) == 0xFE) {
            in.skipNBytes(2);
            return new XmlPrelude(in, StandardCharsets.UTF_16LE, false);
        }
        int lt = -1;
        for (int i = skip; i < head.length; i++) {
            if (head[i] == '<') {
                lt = i;
                break;
            }
        }
        if (lt > skip) {
            boolean junk = false;
            for (int i = skip; i < lt; i++) {
                byte b = head[i];
                if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                    junk = true;
                    break;
                }
            }
            if (junk) {
                warnings.add("junk before the XML document: " + (lt - skip) + " bytes skipped before the first '<'");
            }
            skip = lt;
        }
        if (lt >= 0) {
            String decl = new String(head, lt, Math.min(200, head.length - lt), StandardCharsets.ISO_8859_1);
            if (decl.startsWith("<?xml")) {
                int end = decl.indexOf("?>");
                Matcher m = ENCODING.matcher(end > 0 ? decl.substring(0, end) : decl);
                if (m.find() && charset == null) {
                    String name = m.group(1);
                    try {
                        charset = Charset.forName(name);
                    } catch (IllegalArgumentException e) {
                        warnings.add("unknown declared encoding '" + name + "'; read as UTF-8");
                        charset = StandardCharsets.UTF_8;
                    }
                    String lower = name.toLowerCase(Locale.ROOT);
                    if (!lower.equals("utf-8") && !lower.equals("utf8") && !lower.equals("us-ascii")
                            && charset != StandardCharsets.UTF_8) {
                        warnings.add("declared encoding " + name + " (not UTF-8); decoded as " + charset.name());
                    }
                }
            }
        }
        in.skipNBytes(skip);
        return new XmlPrelude(in, charset == null ? StandardCharsets.UTF_8 : charset, false);
    }
}
