package dev.aligned.dkim;

import dev.aligned.mail.HeaderField;

/** Header canonicalisation, simple and relaxed (RFC 6376 sections 3.4.1 and 3.4.2). */
final class HeaderCanonicalizer {
    private HeaderCanonicalizer() {
    }

    /** Writes one field canonicalised (CRLF-normalised bytes as input), with a final CRLF when {@code crlf}. */
    static void write(ByteSink out, Canonicalization c, byte[] field, boolean crlf) {
        if (c == Canonicalization.SIMPLE) {
            out.write(field, 0, field.length);
        } else {
            relaxed(out, field);
        }
        if (crlf) {
            out.write('\r');
            out.write('\n');
        }
    }

    static void write(ByteSink out, Canonicalization c, HeaderField field) {
        write(out, c, field.crlfBytes(), true);
    }

    private static void relaxed(ByteSink out, byte[] f) {
        int colon = -1;
        for (int i = 0; i < f.length; i++) {
            if (f[i] == ':') {
                colon = i;
                break;
            }
        }
        int nameEnd = colon;
        while (nameEnd > 0 && (f[nameEnd - 1] == ' ' || f[nameEnd - 1] == '\t')) {
            nameEnd--;
        }
        for (int i = 0; i < nameEnd; i++) {
            byte b = f[i];
            out.write(b >= 'A' && b <= 'Z' ? b + 32 : b);
        }
        out.write(':');
        boolean started = false;
        boolean wsp = false;
        int i = colon + 1;
        while (i < f.length) {
            byte b = f[i];
            if (b == '\r' && i + 1 < f.length && f[i + 1] == '\n') {
                i += 2; // unfold
                continue;
            }
            if (b == ' ' || b == '\t') {
                wsp = true;
                i++;
                continue;
            }
            if (wsp && started) {
                out.write(' ');
            }
            wsp = false;
            started = true;
            // the run up to the next whitespace or line break goes as it is
            int j = i + 1;
            while (j < f.length && f[j] != ' ' && f[j] != '\t' && f[j] != '\r') {
                j++;
            }
            out.write(f, i, j - i);
            i = j;
        }
    }
}
