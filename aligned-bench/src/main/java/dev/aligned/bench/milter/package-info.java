/** Load generation for the milter benchmark: SMTP clients that measure a mail server's throughput and latency. */
package dev.aligned.bench.milter;
