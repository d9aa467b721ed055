package dev.aligned.report;

import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Inflates the first member of a gzip stream (RFC 1952) with its own header parsing, so that bytes after the
 * member are ignored rather than misread, and enforces {@link ReportLimits#maxInflatedBytes()} and
 * {@link ReportLimits#maxCompressionRatio()} as it goes.
 */
final class BoundedInflater extends InputStream {
    private final InputStream in;
    private final Inflater inflater = new Inflater(true);
    private final ReportLimits limits;
    private final String what;
    private final byte[] buf = new byte[16384];
    private final CRC32 crc = new CRC32();
    private final Warnings warnings;
    private long headerBytes;
    private int lastInput;
    private boolean finished;

    private BoundedInflater(InputStream in, ReportLimits limits, String what, Warnings warnings) {
        this.in = in;
        this.limits = limits;
        this.what = what;
        this.warnings = warnings;
    }

    /** Reads the gzip header and returns a stream of the member's inflated bytes. */
    static BoundedInflater gzip(InputStream in, ReportLimits limits, String what, Warnings warnings)
            throws IOException {
        BoundedInflater b = new BoundedInflater(in, limits, what, warnings);
        b.readHeader();
        return b;
    }

    private int u8() throws IOException {
        int c = in.read();
        if (c < 0) {
            throw new IOException(what + ": truncated gzip header");
        }
        headerBytes++;
        return c;
    }

    private void readHeader() throws IOException {
        if (u8() != 0x1f || u8() != 0x8b) {
            throw new IOException(what + ": not gzip data (bad magic bytes)");
        }
        if (u8() != 8) {
            throw new IOException(what + ": unsupported gzip compression method");
        }
        int flg = u8();
        for (int i = 0; i < 6; i++) {
            u8();
        }
        if ((flg & 4) != 0) {
            int xlen = u8() | (u8() << 8);
            for (int i = 0; i < xlen; i++) {
                u8();
            }
        }
        if ((flg & 8) != 0) {
            while (u8() != 0) {
                // file name
            }
        }
        if ((flg & 16) != 0) {
            while (u8() != 0) {
                // comment
            }
        }
        if ((flg & 2) != 0) {
            u8();
            u8();
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (finished) {
            return -1;
        }
        try {
            while (true) {
                int n = inflater.inflate(b, off, len);
                if (n > 0) {
                    crc.update(b, off, n);
                    check();
                    return n;
                }
                if (inflater.finished()) {
                    finished = true;
                    checkTrailer();
                    return -1;
                }
                if (inflater.needsDictionary()) {
                    throw new IOException(what + ": gzip data needs a preset dictionary");
                }
                if (inflater.needsInput()) {
                    int r = in.read(buf);
                    if (r < 0) {
                        throw new IOException(what + ": truncated gzip data (unexpected end after "
                                + inflater.getBytesWritten() + " inflated bytes)");
                    }
                    lastInput = r;
                    inflater.setInput(buf, 0, r);
                }
            }
        } catch (DataFormatException e) {
            throw new IOException(what + ": corrupt gzip data: " + e.getMessage());
        }
    }

    private void check() throws LimitExceededException {
        long out = inflater.getBytesWritten();
        if (out > limits.maxInflatedBytes()) {
            throw new LimitExceededException(what + ": inflates to more than " + limits.maxInflatedBytes()
                    + " bytes (ReportLimits.maxInflatedBytes); refused as a decompression bomb");
        }
        long compressed = inflater.getBytesRead() + headerBytes;
        if (out > limits.ratioGraceBytes() && out / Math.max(1, compressed) > limits.maxCompressionRatio()) {
            throw new LimitExceededException(what + ": compression ratio above " + limits.maxCompressionRatio()
                    + ":1 (" + out + " bytes from " + compressed + "; ReportLimits.maxCompressionRatio); "
                    + "refused as a decompression bomb");
        }
    }

    private void checkTrailer() throws IOException {
        int rem = inflater.getRemaining();
        byte[] trailer = new byte[8];
        int have = Math.min(rem, 8);
        int start = lastInput - rem;
        if (have > 0) {
            System.arraycopy(buf, start, trailer, 0, have);
        }
        if (have < 8) {
            int got = in.readNBytes(trailer, have, 8 - have);
            have += got;
        }
        if (have < 8) {
            warnings.add("gzip trailer missing (CRC not checked)");
        } else {
            long storedCrc = (trailer[0] & 0xffL) | (trailer[1] & 0xffL) << 8 | (trailer[2] & 0xffL) << 16
                    | (trailer[3] & 0xffL) << 24;
            if (storedCrc != crc.getValue()) {
                warnings.add("gzip CRC mismatch: the data may be damaged");
            }
        }
        if (rem > 8) {
            warnings.add("bytes after the first gzip member ignored");
        } else if (rem == 8 || have == 8) {
            int more = in.read();
            if (more >= 0) {
                warnings.add("bytes after the first gzip member ignored");
            }
        }
    }

    @Override
    public void close() throws IOException {
        inflater.end();
        in.close();
    }
}
