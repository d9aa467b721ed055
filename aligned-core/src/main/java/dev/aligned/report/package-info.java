/**
 * DMARC aggregate (RFC 9990, RFC 7489) and failure (RFC 9991, RFC 6591, ARF RFC 5965) reports: an immutable
 * model, lenient streaming parsers, writers, and container unpacking (gzip, zip, MIME, mbox) under explicit
 * {@link dev.aligned.report.ReportLimits}. Entry point: {@link dev.aligned.report.ReportReader}.
 */
package dev.aligned.report;
