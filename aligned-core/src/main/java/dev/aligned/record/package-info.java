/**
 * Record linting and generation: {@link dev.aligned.record.DomainChecker} reads a domain's SPF, DMARC, DKIM,
 * MX, BIMI, MTA-STS and TLS-RPT records and returns a {@link dev.aligned.record.CheckReport} of findings with
 * stable codes ({@link dev.aligned.record.FindingCode}); the generators build records to publish
 * ({@link dev.aligned.record.SpfBuilder}, {@link dev.aligned.record.DmarcBuilder}).
 */
package dev.aligned.record;
