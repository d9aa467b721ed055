package dev.aligned.store;

/** The formats {@link Exporter} writes. */
public enum ExportFormat {
    /** A JSON array, one object per record. */
    JSON,
    /** RFC 4180 CSV with a header line. */
    CSV
}
