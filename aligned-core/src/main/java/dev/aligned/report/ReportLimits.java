package dev.aligned.report;

/**
 * Limits on untrusted report input. Every container, decompressor and parser in this package checks them and
 * turns a breach into a {@link ReportResult.Failed} naming the limit, never an exception or an unbounded
 * allocation.
 *
 * <p>Defaults ({@link #defaults()}):
 * <ul>
 *   <li>{@code maxInflatedBytes} 1 GiB: bytes produced by one decompression (gzip member or zip entry), and the
 *       largest plain XML document read;</li>
 *   <li>{@code maxCompressionRatio} 500: inflated / compressed bytes, checked once more than
 *       {@code ratioGraceBytes} (1 MiB) have been inflated (real reports compress 10-50:1, zero-filled bombs
 *       about 1000:1);</li>
 *   <li>{@code maxZipEntries} 100 entries in one zip archive; nested archives (a zip or gzip inside a zip) are
 *       refused;</li>
 *   <li>{@code maxRecords} 1,000,000 {@code <record>} elements per aggregate report;</li>
 *   <li>{@code maxDepth} 32 levels of XML element nesting;</li>
 *   <li>{@code maxTextChars} 65,536 characters in one element's text (and in one kept extension element);</li>
 *   <li>{@code maxMimeParts} 1,000 MIME parts per message, {@code maxMimeDepth} 10 levels of nested
 *       multiparts / attached messages, {@code maxMessageBytes} 64 MiB per MIME message (one mbox entry);</li>
 *   <li>{@code maxReports} 10,000 reports from one input (an mbox or a zip);</li>
 *   <li>{@code maxWarnings} 100 warnings kept per report (the rest counted in a final warning).</li>
 * </ul>
 *
 * <pre>{@code
 * ReportLimits strict = ReportLimits.defaults().withMaxInflatedBytes(50L << 20).withMaxRecords(100_000);
 * }</pre>
 */
public record ReportLimits(
        long maxInflatedBytes,
        int maxCompressionRatio,
        long ratioGraceBytes,
        int maxZipEntries,
        long maxRecords,
        int maxDepth,
        int maxTextChars,
        int maxMimeParts,
        int maxMimeDepth,
        long maxMessageBytes,
        int maxReports,
        int maxWarnings) {

    public ReportLimits {
        positive("maxInflatedBytes", maxInflatedBytes);
        positive("maxCompressionRatio", maxCompressionRatio);
        if (ratioGraceBytes < 0) {
            throw new IllegalArgumentException("ratioGraceBytes must be >= 0, got " + ratioGraceBytes);
        }
        positive("maxZipEntries", maxZipEntries);
        positive("maxRecords", maxRecords);
        positive("maxDepth", maxDepth);
        positive("maxTextChars", maxTextChars);
        positive("maxMimeParts", maxMimeParts);
        positive("maxMimeDepth", maxMimeDepth);
        positive("maxMessageBytes", maxMessageBytes);
        positive("maxReports", maxReports);
        positive("maxWarnings", maxWarnings);
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, got " + value);
        }
    }

    /** The documented defaults (see the class comment). */
    public static ReportLimits defaults() {
        return new ReportLimits(1L << 30, 500, 1L << 20, 100, 1_000_000, 32, 65_536, 1_000, 10, 64L << 20,
                10_000, 100);
    }

    public ReportLimits withMaxInflatedBytes(long v) {
        return new ReportLimits(v, maxCompressionRatio, ratioGraceBytes, maxZipEntries, maxRecords, maxDepth,
                maxTextChars, maxMimeParts, maxMimeDepth, maxMessageBytes, maxReports, maxWarnings);
    }

    public ReportLimits withMaxCompressionRatio(int v) {
        return new ReportLimits(maxInflatedBytes, v, ratioGraceBytes, maxZipEntries, maxRecords, maxDepth,
                maxTextChars, maxMimeParts, maxMimeDepth, maxMessageBytes, maxReports, maxWarnings);
    }

    public ReportLimits withMaxZipEntries(int v) {
        return new ReportLimits(maxInflatedBytes, maxCompressionRatio, ratioGraceBytes, v, maxRecords, maxDepth,
                maxTextChars, maxMimeParts, maxMimeDepth, maxMessageBytes, maxReports, maxWarnings);
    }

    public ReportLimits withMaxRecords(long v) {
        return new ReportLimits(maxInflatedBytes, maxCompressionRatio, ratioGraceBytes, maxZipEntries, v, maxDepth,
                maxTextChars, maxMimeParts, maxMimeDepth, maxMessageBytes, maxReports, maxWarnings);
    }

    public ReportLimits withMaxDepth(int v) {
        return new ReportLimits(maxInflatedBytes, maxCompressionRatio, ratioGraceBytes, maxZipEntries, maxRecords,
                v, maxTextChars, maxMimeParts, maxMimeDepth, maxMessageBytes, maxReports, maxWarnings);
    }

    public ReportLimits withMaxMimeParts(int v) {
        return new ReportLimits(maxInflatedBytes, maxCompressionRatio, ratioGraceBytes, maxZipEntries, maxRecords,
                maxDepth, maxTextChars, v, maxMimeDepth, maxMessageBytes, maxReports, maxWarnings);
    }

    public ReportLimits withMaxMessageBytes(long v) {
        return new ReportLimits(maxInflatedBytes, maxCompressionRatio, ratioGraceBytes, maxZipEntries, maxRecords,
                maxDepth, maxTextChars, maxMimeParts, maxMimeDepth, v, maxReports, maxWarnings);
    }
}
