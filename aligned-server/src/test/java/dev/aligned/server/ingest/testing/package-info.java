/** Test fixtures shared with other modules (test-jar): an in-JVM IMAP server with report mail, a cuttable TCP proxy. */
package dev.aligned.server.ingest.testing;
