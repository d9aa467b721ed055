package dev.aligned.store;

/** What retention removed: archived inputs whose bytes were dropped, reports whose records were deleted. */
public record RetentionResult(long blobsPurged, long reportsPurged, long recordsDeleted) {
}
