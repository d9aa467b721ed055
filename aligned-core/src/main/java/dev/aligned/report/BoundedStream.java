package dev.aligned.report;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongSupplier;

/** Counts bytes read and enforces a size limit and, when a compressed-size source is given, a ratio limit. */
final class BoundedStream extends FilterInputStream {
    private final ReportLimits limits;
    private final String what;
    private final LongSupplier compressed;
    private final long max;
    private long count;

    BoundedStream(InputStream in, ReportLimits limits, long max, LongSupplier compressed, String what) {
        super(in);
        this.limits = limits;
        this.max = max;
        this.compressed = compressed;
        this.what = what;
    }

    long count() {
        return count;
    }

    @Override
    public int read() throws IOException {
        int c = super.read();
        if (c >= 0) {
            add(1);
        }
        return c;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            add(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long s = super.skip(n);
        if (s > 0) {
            add(s);
        }
        return s;
    }

    private void add(long n) throws LimitExceededException {
        count += n;
        if (count > max) {
            throw new LimitExceededException(what + ": more than " + max + " bytes (ReportLimits."
                    + (compressed == null ? "maxMessageBytes/maxInflatedBytes" : "maxInflatedBytes")
                    + "); refused");
        }
        if (compressed != null && count > limits.ratioGraceBytes()
                && count / Math.max(1, compressed.getAsLong()) > limits.maxCompressionRatio()) {
            throw new LimitExceededException(what + ": compression ratio above " + limits.maxCompressionRatio()
                    + ":1 (" + count + " bytes from " + compressed.getAsLong()
                    + "; ReportLimits.maxCompressionRatio); refused as a decompression bomb");
        }
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
