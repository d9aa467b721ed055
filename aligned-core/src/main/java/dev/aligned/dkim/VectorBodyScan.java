package dev.aligned.dkim;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The body scan of {@link BodyHasher} with the incubating Vector API: 64 octets a step (two 256-bit vectors),
 * which leave as bit masks (one bit per octet) for the octets at or below space, CR, LF and TAB; the pairs that
 * need canonicalising are then found with branch-free arithmetic on the masks, so the line breaks of ordinary
 * text no longer take a branch out of a cheap test. The rules are exactly those of
 * {@code BodyHasher.relaxedRunEnd} and {@code simpleRunEnd}: a pair (k, k+1) needs attention when both octets
 * are at or below space (relaxed) or CR/LF (simple) other than CR LF and LF CR, when an LF follows anything but
 * CR, or (relaxed) when octet k is a TAB.
 *
 * <p>Only loaded when {@link BodyHasher} found the module {@code jdk.incubator.vector} in the boot layer (the
 * JVM was started with {@code --add-modules jdk.incubator.vector}); without it this class is never touched and
 * the SWAR scan is used.
 */
final class VectorBodyScan {
    private static final VectorSpecies<Byte> S = ByteVector.SPECIES_256;

    private VectorBodyScan() {
    }

    /**
     * True when this JVM's preferred vectors are at least 256 bits wide (narrower ones would be emulated or
     * split, slower than the SWAR scan) and the scan gives the right answer on a sample (which also links every
     * Vector API method it uses, so an API that changed fails here, not in the middle of a message).
     */
    static boolean usable() {
        if (ByteVector.SPECIES_PREFERRED.vectorBitSize() < 256) {
            return false;
        }
        byte[] sample = new byte[128];
        java.util.Arrays.fill(sample, (byte) 'a');
        sample[40] = '\r';
        sample[41] = '\n';
        sample[100] = '\t';
        byte[] lf = sample.clone();
        lf[70] = '\n';
        return relaxed(sample, 0, 128) == ~100 && simple(sample, 0, 128) == 128 && relaxed(lf, 0, 128) == ~69
                && simple(lf, 64, 128) == ~69;
    }

    /**
     * Relaxed: scans whole 64-octet blocks from {@code i} (the octet before {@code i} is not looked at). Returns
     * {@code ~k} when the first pair needing attention starts at {@code k} (possibly {@code i - 1}, which the
     * caller treats as {@code i}), or else the end {@code j} of the blocks scanned: every pair starting before
     * {@code j - 1} passes and octet {@code j - 1} is no TAB; whether the pair ({@code j - 1}, {@code j}) needs
     * attention otherwise is left to the caller.
     */
    static int relaxed(byte[] b, int i, int end) {
        long pl = 0; // bit 0: the octet before the block is at or below space, CR, LF, TAB
        long pc = 0;
        long pf = 0;
        long pt = 0;
        int j = i;
        for (; j + 64 <= end; j += 64) {
            ByteVector v0 = ByteVector.fromArray(S, b, j);
            ByteVector v1 = ByteVector.fromArray(S, b, j + 32);
            long l = low(v0) | low(v1) << 32;
            long c = v0.eq((byte) '\r').toLong() | v1.eq((byte) '\r').toLong() << 32;
            long f = v0.eq((byte) '\n').toLong() | v1.eq((byte) '\n').toLong() << 32;
            long t = v0.eq((byte) '\t').toLong() | v1.eq((byte) '\t').toLong() << 32;
            long cp = (c << 1) | pc; // bit m: octet m-1 is CR
            long fp = (f << 1) | pf;
            // bit m: the pair (m-1, m) needs attention (the TABs are moved to the octet after them)
            long bad = (l & ((l << 1) | pl) & ~(cp & f) & ~(fp & c)) | (f & ~cp) | (t << 1) | pt;
            if (bad != 0) {
                return ~(j - 1 + Long.numberOfTrailingZeros(bad));
            }
            pl = l >>> 63;
            pc = c >>> 63;
            pf = f >>> 63;
            pt = t >>> 63;
        }
        return pt != 0 ? ~(j - 1) : j; // a TAB just before j: the caller's scan looks at octets from j only
    }

    /** The octets 0x00 to 0x20 (octets from 0x80 are negative {@code byte}s; JDK 21 has no unsigned compare). */
    private static long low(ByteVector v) {
        return v.lt((byte) 0x21).andNot(v.lt((byte) 0)).toLong();
    }

    /** {@link #relaxed} for simple canonicalisation: pairs of CR and LF other than CR LF and LF CR, bare LF. */
    static int simple(byte[] b, int i, int end) {
        long pc = 0;
        long pf = 0;
        int j = i;
        for (; j + 64 <= end; j += 64) {
            ByteVector v0 = ByteVector.fromArray(S, b, j);
            ByteVector v1 = ByteVector.fromArray(S, b, j + 32);
            long c = v0.eq((byte) '\r').toLong() | v1.eq((byte) '\r').toLong() << 32;
            long f = v0.eq((byte) '\n').toLong() | v1.eq((byte) '\n').toLong() << 32;
            long l = c | f;
            long cp = (c << 1) | pc;
            long fp = (f << 1) | pf;
            long bad = (l & (cp | fp) & ~(cp & f) & ~(fp & c)) | (f & ~cp);
            if (bad != 0) {
                return ~(j - 1 + Long.numberOfTrailingZeros(bad));
            }
            pc = c >>> 63;
            pf = f >>> 63;
        }
        return j;
    }
}
