package dev.aligned.dkim;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Canonicalises a body as it streams past (RFC 6376 sections 3.4.3 and 3.4.4) and hashes the first
 * {@code limit} canonical octets. Bare LF is taken as CRLF; a bare CR is content. Memory is constant: only
 * counts of pending empty lines and whitespace are kept.
 *
 * <p>Nothing is copied where canonicalisation leaves the octets as they are, which for ordinary text is nearly
 * everywhere: such runs, line breaks included, go to the digest straight from the caller's array. Only where the
 * output differs from the input (a whitespace run to fold, whitespace before a line break, a bare LF, empty lines
 * that may turn out to be trailing) is the run cut and the few changed octets hashed from constants. Runs are
 * found sixteen octets at a time (SWAR arithmetic on two {@code long}s) by looking at adjacent pairs: an octet
 * pair needs attention only when both are whitespace or line-break octets (other than CR LF), when an LF lacks
 * its CR, or (relaxed) at a TAB. Empty lines between content lines stay in the run. When the JVM has the
 * incubator module {@code jdk.incubator.vector} ({@link #VECTOR_SCAN}), {@link VectorBodyScan} finds them first,
 * 64 octets at a time with the same rules, and the SWAR scan only looks at the rest (under 64 octets).
 */
final class BodyHasher {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long LOWS = 0x7F7F7F7F7F7F7F7FL;
    private static final long CRS = ONES * '\r';
    private static final long LFS = ONES * '\n';
    private static final long TABS = ONES * '\t';
    private static final byte[] CRLFS = "\r\n".repeat(64).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] SPACE = {' '};
    private static final byte[] CR = {'\r'};

    /**
     * Whether the Vector API scan ({@link VectorBodyScan}) is used: only when the JVM was started with
     * {@code --add-modules jdk.incubator.vector} on hardware with 256-bit vectors. The class is referred to only
     * behind this check, so without the module it is never loaded.
     */
    static final boolean VECTOR_SCAN = vectorScanUsable();

    private static boolean vectorScanUsable() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return false;
        }
        try {
            return VectorBodyScan.usable();
        } catch (LinkageError e) { // a JDK whose incubating API differs from the one compiled against
            return false;
        }
    }

    private final boolean relaxed;
    private final boolean vector;
    private final MessageDigest digest;
    private final long limit;
    private long canonicalLength;
    /** Empty lines seen but not hashed: they are dropped if nothing but empty lines follows. */
    private long pendingCrlf;
    /** Relaxed: whitespace seen but not hashed; one space if content follows on the line, nothing otherwise. */
    private boolean pendingWsp;
    /** The previous chunk ended in a CR, which is a line break or content depending on the next octet. */
    private boolean pendingCr;
    /** The current line has content (so its line break is hashed at once rather than held back). */
    private boolean lineHasContent;
    private boolean anyContent;

    BodyHasher(Canonicalization c, String digestName, long limit) {
        this(c, newDigest(digestName), limit);
    }

    /** A hasher writing into {@code digest}, which must be fresh (nothing hashed yet). */
    BodyHasher(Canonicalization c, MessageDigest digest, long limit) {
        this(c, digest, limit, VECTOR_SCAN);
    }

    /**
     * For tests and benchmarks: a hasher using the Vector API scan ({@code vector}, which must then be
     * {@link #VECTOR_SCAN usable}) or the SWAR scan.
     */
    BodyHasher(Canonicalization c, MessageDigest digest, long limit, boolean vector) {
        if (vector && !VECTOR_SCAN) {
            throw new IllegalStateException("the Vector API scan needs --add-modules jdk.incubator.vector");
        }
        this.relaxed = c == Canonicalization.RELAXED;
        this.vector = vector;
        this.digest = digest;
        this.limit = limit;
    }

    private static final java.util.concurrent.ConcurrentHashMap<String, MessageDigest> PROTOTYPES =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** A fresh digest, cloned from a prototype (a provider look-up per message costs more than the clone). */
    static MessageDigest newDigest(String digestName) {
        MessageDigest proto = PROTOTYPES.computeIfAbsent(digestName, BodyHasher::lookUp);
        try {
            return (MessageDigest) proto.clone();
        } catch (CloneNotSupportedException e) {
            return lookUp(digestName);
        }
    }

    private static MessageDigest lookUp(String digestName) {
        try {
            return MessageDigest.getInstance(digestName);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks " + digestName, e);
        }
    }

    void update(byte[] b, int off, int len) {
        if (len <= 0) {
            return;
        }
        int end = off + len;
        int i = off;
        if (pendingCr) {
            pendingCr = false;
            if (b[off] == '\n') {
                lineBreak();
                i = off + 1;
            } else {
                content(CR);
            }
        }
        int run = i; // b[run, i) passes canonicalisation unchanged and is not hashed yet
        while (i < end) {
            byte c = b[i];
            if (c == '\r') {
                if (i + 1 == end) {
                    hash(b, run, i - run);
                    pendingCr = true;
                    return;
                }
                if (b[i + 1] == '\n') {
                    if (lineHasContent && !pendingWsp) {
                        lineHasContent = false; // the line break of a content line: part of the run
                        i += 2;
                        continue;
                    }
                    if (!lineHasContent && !pendingWsp && pendingCrlf == 0) {
                        // empty lines: unchanged if content follows them in this chunk, else held back
                        int q = i + 2;
                        long n = 1;
                        while (q + 1 < end && b[q] == '\r' && b[q + 1] == '\n') {
                            q += 2;
                            n++;
                        }
                        if (q < end && plain(b[q])) {
                            i = q;
                            continue;
                        }
                        hash(b, run, i - run);
                        pendingCrlf = n;
                        i = q;
                        run = q;
                        continue;
                    }
                    hash(b, run, i - run);
                    lineBreak();
                    i += 2;
                    run = i;
                    continue;
                }
                // a bare CR is content: handled below
            } else if (c == '\n') {
                hash(b, run, i - run); // a bare LF, hashed as CRLF
                lineBreak();
                i++;
                run = i;
                continue;
            } else if (relaxed && (c == ' ' || c == '\t')) {
                int j = i + 1;
                while (j < end && (b[j] == ' ' || b[j] == '\t')) {
                    j++;
                }
                if (c == ' ' && j == i + 1 && j < end && b[j] != '\r' && b[j] != '\n'
                        && pendingCrlf == 0 && !pendingWsp) {
                    i = j; // one space before content stays as it is: part of the run
                    continue;
                }
                hash(b, run, i - run);
                pendingWsp = true; // one space if content follows on this line, nothing otherwise
                i = j;
                run = j;
                continue;
            }
            // content: what is pending goes first, then the run of octets that pass unchanged
            if (pendingCrlf > 0 || pendingWsp) {
                flushPending(); // the run is empty here: pending state is only set where a run was cut
            }
            lineHasContent = true;
            anyContent = true;
            i = relaxed ? relaxedRunEnd(b, i, end) : simpleRunEnd(b, i, end);
            if (b[i - 1] == '\n') {
                lineHasContent = false;
            }
        }
        hash(b, run, i - run);
    }

    /** An octet that is content and passes unchanged whatever follows it. */
    private boolean plain(byte c) {
        return c != '\r' && c != '\n' && (!relaxed || (c != ' ' && c != '\t'));
    }

    /** Hashes the held-back empty lines and whitespace, which content now follows. */
    private void flushPending() {
        while (pendingCrlf > 0) {
            int n = (int) Math.min(pendingCrlf, CRLFS.length / 2);
            hash(CRLFS, 0, 2 * n);
            pendingCrlf -= n;
        }
        if (pendingWsp) {
            pendingWsp = false;
            hash(SPACE, 0, 1);
        }
    }

    private void content(byte[] octet) {
        flushPending();
        hash(octet, 0, 1);
        lineHasContent = true;
        anyContent = true;
    }

    private void lineBreak() {
        pendingWsp = false;
        if (lineHasContent) {
            lineHasContent = false;
            hash(CRLFS, 0, 2);
        } else {
            pendingCrlf++;
        }
    }

    private void hash(byte[] b, int off, int len) {
        if (len <= 0) {
            return;
        }
        long before = canonicalLength;
        canonicalLength += len;
        if (before < limit) {
            digest.update(b, off, (int) Math.min(len, limit - before));
        }
    }

    /** Flags (high bit of each octet) the octets of {@code x} equal to the octet repeated in {@code pattern}. */
    private static long eq(long x, long pattern) {
        long v = x ^ pattern;
        return ~(((v & LOWS) + LOWS) | v) & HIGHS;
    }

    /** Flags the octets of {@code x} below {@code n} (n at most 0x80, exact, no borrow between octets). */
    private static long below(long x, long n) {
        return ~((x | HIGHS) - ONES * n) & ~x & HIGHS;
    }

    private static final long BELOW_SP = ONES * 0x20;
    private static final long BELOW_SP1 = ONES * 0x21;

    /**
     * Relaxed: from content at {@code i}, the end of the octets that pass unchanged. They stop before the first
     * pair (k, k+1) that needs attention: both octets whitespace, CR, LF or another control (except CR LF and
     * an empty line's LF CR), an
     * LF after anything but CR, or a TAB at k. A CR LF is never split: the run ends after the LF. The last octet
     * of the chunk is left to the caller (its neighbour is unknown) unless it completes a CR LF. At least the
     * octet at {@code i} is taken.
     *
     * <p>Sixteen octets at a time: a cheap test (no control octet, no two adjacent octets at or below space;
     * it may flag too much, never too little) passes most blocks of text; a flagged block is checked exactly.
     */
    private int relaxedRunEnd(byte[] b, int i, int end) {
        int j = i;
        if (vector) {
            j = VectorBodyScan.relaxed(b, i, end);
            if (j < 0) {
                return stop(b, i, ~j, end);
            }
        }
        // bit 7: octet j-1 may be at or below space (pairs across blocks); none before i
        long carry = j > i && b[j - 1] >= 0 && b[j - 1] <= ' ' ? 0x80 : 0;
        while (j + 16 <= end) {
            long x0 = (long) LONGS.get(b, j);
            long x1 = (long) LONGS.get(b, j + 8);
            long l0 = (x0 - BELOW_SP1) & ~x0; // high bits: at or below space (plus harmless false alarms)
            long l1 = (x1 - BELOW_SP1) & ~x1;
            long c0 = l0 & ~(x0 << 2); // low octets without bit 5 (0x20): controls
            long c1 = l1 & ~(x1 << 2);
            long p0 = l0 & ((l0 << 8) | carry); // flagged at the second octet of a low pair
            long p1 = l1 & ((l1 << 8) | (l0 >>> 56));
            if (((c0 | c1 | p0 | p1) & HIGHS) != 0
                    && !oneCrlf(x0, x1, c0 & HIGHS, c1 & HIGHS, p0 & HIGHS, p1 & HIGHS)) {
                int k = relaxedBlock(b, i, j, x0, x1);
                if (k >= 0) {
                    return stop(b, i, k, end);
                }
            }
            carry = l1 >>> 56;
            j += 16;
        }
        int k = end - 1;
        for (j = Math.max(i, j - 1); j + 1 < end; j++) {
            if (relaxedBad(b[j], b[j + 1])) {
                k = j;
                break;
            }
        }
        return stop(b, i, k, end);
    }

    /**
     * True when the only control octets and the only pair of low octets in the block are one CR LF inside it:
     * a line break between content, which passes unchanged (the common case, checked without the exact test).
     */
    private static boolean oneCrlf(long x0, long x1, long c0, long c1, long p0, long p1) {
        if (c1 == 0) {
            int shift = Long.numberOfTrailingZeros(c0) - 7;
            return shift <= 48 && c0 == 0x8080L << shift && p0 == 0x8000L << shift && p1 == 0
                    && ((x0 >>> shift) & 0xFFFF) == 0x0A0D;
        }
        if (c0 == 0) {
            int shift = Long.numberOfTrailingZeros(c1) - 7;
            return shift <= 48 && c1 == 0x8080L << shift && p1 == 0x8000L << shift && p0 == 0
                    && ((x1 >>> shift) & 0xFFFF) == 0x0A0D;
        }
        return c0 == 0x80L << 56 && c1 == 0x80 && p0 == 0 && p1 == 0x80 && (x0 >>> 56) == 0x0D
                && (x1 & 0xFF) == 0x0A;
    }

    /**
     * The exact check of the block {@code b[j, j+16)} (octets {@code x0}, {@code x1}) and of the pair that
     * joins it to the octet before: the first octet of the first pair needing attention, or -1.
     */
    private static int relaxedBlock(byte[] b, int i, int j, long x0, long x1) {
        long l0 = below(x0, 0x21);
        long l1 = below(x1, 0x21);
        long c0 = eq(x0, CRS);
        long c1 = eq(x1, CRS);
        long f0 = eq(x0, LFS);
        long f1 = eq(x1, LFS);
        long pl = 0;
        long pc = 0;
        long pf = 0;
        if (j > i) {
            byte p = b[j - 1];
            pl = p >= 0 && p <= ' ' ? 0x80 : 0;
            pc = p == '\r' ? 0x80 : 0;
            pf = p == '\n' ? 0x80 : 0;
        }
        // the flags of the octet before each octet
        long lp0 = (l0 << 8) | pl;
        long cp0 = (c0 << 8) | pc;
        long fp0 = (f0 << 8) | pf;
        long lp1 = (l1 << 8) | (l0 >>> 56);
        long cp1 = (c1 << 8) | (c0 >>> 56);
        long fp1 = (f1 << 8) | (f0 >>> 56);
        // flagged at the second octet of a pair needing attention (CR LF and an empty line's LF CR pass)
        long s0 = (l0 & lp0 & ~(cp0 & f0) & ~(fp0 & c0)) | (f0 & ~cp0);
        long s1 = (l1 & lp1 & ~(cp1 & f1) & ~(fp1 & c1)) | (f1 & ~cp1);
        if ((s0 & 0x80) != 0) {
            return j - 1;
        }
        long first0 = (s0 >>> 8) | (s1 << 56) | eq(x0, TABS);
        if (first0 != 0) {
            return j + (Long.numberOfTrailingZeros(first0) >>> 3);
        }
        long first1 = (s1 >>> 8) | eq(x1, TABS);
        if (first1 != 0) {
            return j + 8 + (Long.numberOfTrailingZeros(first1) >>> 3);
        }
        return -1;
    }

    private static boolean relaxedBad(byte a, byte n) {
        if (a == '\t' || (n == '\n' && a != '\r')) {
            return true;
        }
        return a >= 0 && a <= ' ' && n >= 0 && n <= ' ' && !(a == '\r' && n == '\n') && !(a == '\n' && n == '\r');
    }

    /** Simple: like {@link #relaxedRunEnd} with only CR and LF special. */
    private int simpleRunEnd(byte[] b, int i, int end) {
        int j = i;
        if (vector) {
            j = VectorBodyScan.simple(b, i, end);
            if (j < 0) {
                return stop(b, i, ~j, end);
            }
        }
        while (j + 16 <= end) {
            long x0 = (long) LONGS.get(b, j);
            long x1 = (long) LONGS.get(b, j + 8);
            if (((((x0 - BELOW_SP) & ~x0) | ((x1 - BELOW_SP) & ~x1)) & HIGHS) != 0) {
                int k = simpleBlock(b, i, j, x0, x1);
                if (k >= 0) {
                    return stop(b, i, k, end);
                }
            }
            j += 16;
        }
        int k = end - 1;
        for (j = Math.max(i, j - 1); j + 1 < end; j++) {
            byte a = b[j];
            byte n = b[j + 1];
            if ((n == '\n' && a != '\r') || ((a == '\r' || a == '\n') && (n == '\r' || n == '\n')
                    && !(a == '\r' && n == '\n') && !(a == '\n' && n == '\r'))) {
                k = j;
                break;
            }
        }
        return stop(b, i, k, end);
    }

    /** {@link #relaxedBlock} for simple canonicalisation: pairs of CR and LF other than CR LF, bare LF. */
    private static int simpleBlock(byte[] b, int i, int j, long x0, long x1) {
        long c0 = eq(x0, CRS);
        long c1 = eq(x1, CRS);
        long f0 = eq(x0, LFS);
        long f1 = eq(x1, LFS);
        long pl = 0;
        long pc = 0;
        if (j > i) {
            byte p = b[j - 1];
            pl = p == '\r' || p == '\n' ? 0x80 : 0;
            pc = p == '\r' ? 0x80 : 0;
        }
        long l0 = c0 | f0;
        long l1 = c1 | f1;
        long pf = pl & ~pc; // the octet before is LF
        long lp0 = (l0 << 8) | pl;
        long cp0 = (c0 << 8) | pc;
        long fp0 = (f0 << 8) | pf;
        long lp1 = (l1 << 8) | (l0 >>> 56);
        long cp1 = (c1 << 8) | (c0 >>> 56);
        long fp1 = (f1 << 8) | (f0 >>> 56);
        long s0 = (l0 & lp0 & ~(cp0 & f0) & ~(fp0 & c0)) | (f0 & ~cp0);
        long s1 = (l1 & lp1 & ~(cp1 & f1) & ~(fp1 & c1)) | (f1 & ~cp1);
        if ((s0 & 0x80) != 0) {
            return j - 1;
        }
        long first0 = (s0 >>> 8) | (s1 << 56);
        if (first0 != 0) {
            return j + (Long.numberOfTrailingZeros(first0) >>> 3);
        }
        long first1 = s1 >>> 8;
        if (first1 != 0) {
            return j + 8 + (Long.numberOfTrailingZeros(first1) >>> 3);
        }
        return -1;
    }

    /**
     * The end of the unchanged run from {@code i} when the first pair needing attention starts at {@code k}
     * (or {@code k} is the chunk's last octet): at least one octet, a CR LF never split, and empty lines at the
     * end of the run left out, since the run passes empty lines only between content lines and whether content
     * follows these is not known yet (the caller holds them back or takes them when content follows).
     */
    private static int stop(byte[] b, int i, int k, int end) {
        int p = Math.max(k, i + 1);
        if (p < end && b[p] == '\n' && b[p - 1] == '\r') {
            p++;
        }
        while (p - 4 >= i && b[p - 1] == '\n' && b[p - 2] == '\r' && b[p - 3] == '\n' && b[p - 4] == '\r') {
            p -= 2;
        }
        return p;
    }

    /** Ends the body and returns the hash; {@link #canonicalLength()} is then the full canonical length. */
    byte[] finish() {
        if (pendingCr) {
            pendingCr = false;
            content(CR);
        }
        pendingWsp = false;
        if (lineHasContent) {
            hash(CRLFS, 0, 2);
        } else if (!anyContent && !relaxed) {
            hash(CRLFS, 0, 2);
        }
        return digest.digest();
    }

    /** The length of the whole canonical body (beyond {@code limit} too). */
    long canonicalLength() {
        return canonicalLength;
    }
}
