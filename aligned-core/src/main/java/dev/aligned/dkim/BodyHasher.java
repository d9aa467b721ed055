package dev.aligned.dkim;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Canonicalises a body as it streams past (RFC 6376 sections 3.4.3 and 3.4.4) and hashes the first
 * {@code limit} canonical octets. Bare LF is taken as CRLF; a bare CR is content. Memory is constant: only
 * counts of pending empty lines and whitespace are kept.
 */
final class BodyHasher {
    private final boolean relaxed;
    private final MessageDigest digest;
    private final long limit;
    private final byte[] out = new byte[8192];
    private int outLen;
    private long canonicalLength;
    private long pendingCrlf;
    private boolean pendingWsp;
    private boolean pendingCr;
    private boolean lineHasContent;
    private boolean anyContent;

    BodyHasher(Canonicalization c, String digestName, long limit) {
        this.relaxed = c == Canonicalization.RELAXED;
        try {
            this.digest = MessageDigest.getInstance(digestName);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks " + digestName, e);
        }
        this.limit = limit;
    }

    void update(byte[] b, int off, int len) {
        int end = off + len;
        for (int i = off; i < end; i++) {
            byte c = b[i];
            if (!pendingCr && c != '\r' && c != '\n' && c != ' ' && c != '\t') {
                // fast path: a run of octets that canonicalisation passes through unchanged
                int j = runEnd(b, i + 1, end);
                content(c);
                if (j > i + 1) {
                    emitRun(b, i + 1, j - i - 1);
                }
                i = j - 1;
                continue;
            }
            if (c == '\n') {
                pendingCr = false;
                pendingCrlf++;
                pendingWsp = false;
                lineHasContent = false;
                continue;
            }
            if (pendingCr) {
                pendingCr = false;
                content((byte) '\r');
            }
            if (c == '\r') {
                pendingCr = true;
            } else if (relaxed && (c == ' ' || c == '\t')) {
                pendingWsp = true;
            } else {
                content(c);
            }
        }
    }

    private static final java.lang.invoke.VarHandle LONGS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long CRS = ONES * '\r';
    private static final long LFS = ONES * '\n';
    private static final long SPS = ONES * ' ';
    private static final long TABS = ONES * '\t';

    /** Flags (high bit of each octet) the octets of {@code x} equal to the octet repeated in {@code pattern}. */
    private static long matches(long x, long pattern) {
        long v = x ^ pattern;
        return (v - ONES) & ~v & HIGHS;
    }

    /**
     * The end of the run starting at {@code j} of octets that pass unchanged: up to the next CR or LF, and in
     * relaxed mode also the next TAB or a space not followed by an ordinary octet. Scans eight octets at a time.
     */
    private int runEnd(byte[] b, int j, int end) {
        while (true) {
            while (j + 8 <= end) {
                long x = (long) LONGS.get(b, j);
                long m = matches(x, CRS) | matches(x, LFS);
                if (relaxed) {
                    // a space matters only when the next octet is whitespace or a line break; the last octet's
                    // neighbour is in the next word, so a space there always stops the scan
                    long tab = matches(x, TABS);
                    long sp = matches(x, SPS);
                    long special = m | tab | sp;
                    m |= tab | (sp & ((special >>> 8) | HIGHS << 56));
                }
                if (m != 0) {
                    j += Long.numberOfTrailingZeros(m) >>> 3;
                    break;
                }
                j += 8;
            }
            while (j < end) {
                byte d = b[j];
                if (d == '\r' || d == '\n' || (relaxed && (d == ' ' || d == '\t'))) {
                    break;
                }
                j++;
            }
            if (!relaxed || j + 1 >= end || b[j] != ' ') {
                return j;
            }
            byte e = b[j + 1];
            if (e == ' ' || e == '\t' || e == '\r' || e == '\n') {
                return j;
            }
            j += 2; // a single space between ordinary octets stays as it is
        }
    }

    private void content(byte c) {
        while (pendingCrlf > 0) {
            emit((byte) '\r');
            emit((byte) '\n');
            pendingCrlf--;
        }
        if (pendingWsp) {
            emit((byte) ' ');
            pendingWsp = false;
        }
        emit(c);
        lineHasContent = true;
        anyContent = true;
    }

    private void emit(byte c) {
        canonicalLength++;
        if (canonicalLength > limit) {
            return;
        }
        out[outLen++] = c;
        if (outLen == out.length) {
            digest.update(out, 0, outLen);
            outLen = 0;
        }
    }

    private void emitRun(byte[] b, int off, int len) {
        long before = canonicalLength;
        canonicalLength += len;
        if (before >= limit) {
            return;
        }
        int n = (int) Math.min(len, limit - before);
        if (n <= out.length - outLen) {
            System.arraycopy(b, off, out, outLen, n);
            outLen += n;
            if (outLen == out.length) {
                digest.update(out, 0, outLen);
                outLen = 0;
            }
        } else {
            digest.update(out, 0, outLen);
            outLen = 0;
            digest.update(b, off, n);
        }
    }

    /** Ends the body and returns the hash; {@link #canonicalLength()} is then the full canonical length. */
    byte[] finish() {
        if (pendingCr) {
            pendingCr = false;
            content((byte) '\r');
        }
        if (lineHasContent || anyContent) {
            emit((byte) '\r');
            emit((byte) '\n');
        } else if (!relaxed) {
            emit((byte) '\r');
            emit((byte) '\n');
        }
        digest.update(out, 0, outLen);
        outLen = 0;
        return digest.digest();
    }

    /** The length of the whole canonical body (beyond {@code limit} too). */
    long canonicalLength() {
        return canonicalLength;
    }
}
