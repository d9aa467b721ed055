package dev.aligned.server.analysis;

/** Messages and reports per reporting organisation ({@code org_name}, as written by the reporter). */
public record ReporterCount(String orgName, long reports, long messages) {
}
