/**
 * Stores DMARC reports exactly once over JDBC (an embedded SQLite file by default, PostgreSQL at scale): the
 * original bytes archived before parsing, reports, records, failure reports, ingestion attempts and the daily
 * rollups dashboards read. Entry points: {@link dev.aligned.store.ReportStore} and
 * {@link dev.aligned.store.Ingestor}.
 */
package dev.aligned.store;
