/**
 * Ingestion sources that feed the report store's {@link dev.aligned.store.Ingestor}: IMAP mailboxes
 * ({@link dev.aligned.server.ingest.ImapSource}), watched directories, their configuration file
 * ({@link dev.aligned.server.ingest.IngestConfig}) and the multi-node guard ({@link dev.aligned.server.ingest.MailboxLock}).
 */
package dev.aligned.server.ingest;
