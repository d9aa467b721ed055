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
                int j = i + 1;
                while (j < end) {
                    byte d = b[j];
                    if (d == '\r' || d == '\n') {
                        break;
                    }
                    if (relaxed && (d == ' ' || d == '\t')) {
                        if (d == '\t' || j + 1 >= end) {
                            break;
                        }
                        byte e = b[j + 1];
                        if (e == ' ' || e == '\t' || e == '\r' || e == '\n') {
                            break;
                        }
                    }
                    j++;
                }
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
