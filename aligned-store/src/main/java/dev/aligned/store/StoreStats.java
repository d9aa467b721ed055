package dev.aligned.store;

/** Counts of what a store holds. */
public record StoreStats(long blobs, long reports, long flaggedReports, long records, long failureReports,
        long attempts, long unparsedBlobs) {
}
