package dev.aligned.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes XML bytes leniently for the StAX parser: bytes that are not valid in the charset are read as
 * windows-1252 (for UTF-8) or U+FFFD and reported; characters XML 1.0 forbids (C0 controls) become U+FFFD.
 * Keeps the last lines read so that a parse error can quote an excerpt at its line:column.
 */
final class XmlDecodingReader extends Reader {
    private static final int RING = 1 << 15;
    private static final int LINES = 1 << 10;
    private static final char[] CP1252 = new String(allBytes(), Charset.forName("windows-1252")).toCharArray();

    private final InputStream in;
    private final CharsetDecoder decoder;
    private final boolean utf8;
    private final Warnings warnings;
    private final ByteBuffer bytes = ByteBuffer.allocate(16384);
    private final CharBuffer chars = CharBuffer.allocate(16384);
    private boolean eof;
    private boolean flushed;
    private long byteOffset;
    private int badBytes;
    private int badChars;

    private final char[] ring = new char[RING];
    private long charCount;
    private final long[] lineStart = new long[LINES];
    private long line = 1;
    private long decoded;

    XmlDecodingReader(InputStream in, Charset charset, Warnings warnings) {
        this.in = in;
        this.decoder = charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        this.utf8 = charset.equals(StandardCharsets.UTF_8);
        this.warnings = warnings;
        bytes.flip();
        chars.flip();
        lineStart[1] = 0;
    }

    private static byte[] allBytes() {
        byte[] b = new byte[256];
        for (int i = 0; i < 256; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    @Override
    public int read(char[] buf, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (!chars.hasRemaining()) {
            if (!fill()) {
                return -1;
            }
        }
        int n = Math.min(len, chars.remaining());
        chars.get(buf, off, n);
        int ringPos = (int) (charCount & (RING - 1));
        if (n >= RING) {
            for (int i = off; i < off + n; i++) {
                ring[(int) (charCount++ & (RING - 1))] = buf[i];
            }
        } else {
            int first = Math.min(n, RING - ringPos);
            System.arraycopy(buf, off, ring, ringPos, first);
            if (first < n) {
                System.arraycopy(buf, off + first, ring, 0, n - first);
            }
            charCount += n;
        }
        return n;
    }

    /** Decodes more characters into {@code chars}; false at the end of input. */
    private boolean fill() throws IOException {
        chars.clear();
        while (chars.position() == 0) {
            if (flushed) {
                chars.flip();
                return false;
            }
            if (!bytes.hasRemaining() && eof) {
                flushed = true;
                decoder.decode(bytes, chars, true);
                decoder.flush(chars);
                if (chars.position() == 0) {
                    chars.flip();
                    return false;
                }
                break;
            }
            if (!eof && bytes.remaining() < 16) {
                bytes.compact();
                int r = in.read(bytes.array(), bytes.position(), bytes.remaining());
                if (r < 0) {
                    eof = true;
                } else {
                    bytes.position(bytes.position() + r);
                }
                bytes.flip();
            }
            int before = bytes.position();
            CoderResult cr = decoder.decode(bytes, chars, eof);
            byteOffset += bytes.position() - before;
            if (cr.isError()) {
                int n = cr.length();
                for (int i = 0; i < n && chars.hasRemaining(); i++) {
                    int b = bytes.get() & 0xff;
                    char repl = utf8 ? CP1252[b] : '\uFFFD';
                    if (badBytes++ < 3) {
                        warnings.add(String.format("byte offset %d: byte 0x%02X is not valid %s; read as '%s'",
                                byteOffset, b, decoder.charset().name(), repl));
                    }
                    byteOffset++;
                    chars.put(repl);
                }
            } else if (cr.isUnderflow() && !eof && chars.position() == 0) {
                bytes.compact();
                int r = in.read(bytes.array(), bytes.position(), bytes.remaining());
                if (r < 0) {
                    eof = true;
                } else {
                    bytes.position(bytes.position() + r);
                }
                bytes.flip();
            }
        }
        chars.flip();
        char[] a = chars.array();
        int lim = chars.limit();
        long at = line;
        for (int i = 0; i < lim; i++) {
            char c = a[i];
            if (c == '\n') {
                at++;
                lineStart[(int) (at & (LINES - 1))] = decoded + i + 1;
            } else if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == '\uFFFE' || c == '\uFFFF') {
                a[i] = '\uFFFD';
                if (badChars++ < 3) {
                    warnings.add(String.format("line %d: control character U+%04X is not allowed in XML; "
                            + "replaced by U+FFFD", at, (int) c));
                }
            }
        }
        line = at;
        decoded += lim;
        return true;
    }

    /** Up to {@code radius} characters either side of line:column, if still buffered; newlines shown as ⏎. */
    String excerpt(int errLine, int errColumn, int radius) {
        if (errLine < 1 || line - errLine >= LINES - 1 || errLine > line || (errLine < line
                && lineStart[(int) ((errLine + 1) & (LINES - 1))] < charCount - RING)) {
            return "";
        }
        long start = lineStart[(int) (errLine & (LINES - 1))];
        long at = start + Math.max(0, errColumn - 1);
        long from = Math.max(Math.max(0, at - radius), charCount - RING + 1);
        long to = Math.min(charCount, at + radius);
        if (from >= to) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (long i = from; i < to; i++) {
            char c = ring[(int) (i & (RING - 1))];
            sb.append(c == '\n' ? '⏎' : c == '\r' ? ' ' : c == '\t' ? ' ' : c);
        }
        return sb.toString();
    }

    int badBytes() {
        return badBytes;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
