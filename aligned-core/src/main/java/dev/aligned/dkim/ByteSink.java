package dev.aligned.dkim;

import java.util.Arrays;

/** A growable byte array without the locking of {@link java.io.ByteArrayOutputStream}, for header data. */
final class ByteSink {
    private byte[] buf;
    private int len;

    ByteSink(int capacity) {
        buf = new byte[Math.max(16, capacity)];
    }

    void write(int b) {
        if (len == buf.length) {
            buf = Arrays.copyOf(buf, buf.length * 2);
        }
        buf[len++] = (byte) b;
    }

    void write(byte[] b, int off, int n) {
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
        System.arraycopy(b, off, buf, len, n);
        len += n;
    }

    /** The array written into; its first {@link #size()} octets are the content. */
    byte[] array() {
        return buf;
    }

    int size() {
        return len;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }
}
