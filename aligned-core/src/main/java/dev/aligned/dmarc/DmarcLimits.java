package dev.aligned.dmarc;

/**
 * Bounds on the work DMARC evaluation does for untrusted input.
 *
 * @param maxRecordLength    longest record text parsed; a longer TXT record is not treated as a DMARC record
 * @param maxProblems        most problems reported per record (the rest are counted in one last message)
 * @param maxReportUris      most URIs kept per {@code rua=}/{@code ruf=} list (the rest are reported and dropped)
 * @param maxDkimIdentifiers most distinct passing DKIM {@code d=} domains checked for alignment (each may need a
 *                           tree walk of up to 8 queries)
 */
public record DmarcLimits(int maxRecordLength, int maxProblems, int maxReportUris, int maxDkimIdentifiers) {

    /** 8,192 characters, 20 problems, 16 URIs per list, 10 DKIM domains. */
    public static final DmarcLimits DEFAULT = new DmarcLimits(8192, 20, 16, 10);

    /**
     * The most DNS queries one tree walk makes (RFC 9989 section 4.10). Fixed by the RFC, not configurable.
     */
    public static final int TREE_WALK_QUERIES = 8;

    public DmarcLimits {
        if (maxRecordLength < 16) {
            throw new IllegalArgumentException("maxRecordLength must be >= 16, was " + maxRecordLength);
        }
        if (maxProblems < 1) {
            throw new IllegalArgumentException("maxProblems must be >= 1, was " + maxProblems);
        }
        if (maxReportUris < 1) {
            throw new IllegalArgumentException("maxReportUris must be >= 1, was " + maxReportUris);
        }
        if (maxDkimIdentifiers < 1) {
            throw new IllegalArgumentException("maxDkimIdentifiers must be >= 1, was " + maxDkimIdentifiers);
        }
    }
}
