/** JMH benchmarks for whole-message authentication (SPF + DKIM + DMARC) and DMARC evaluation alone. */
package dev.aligned.bench.auth;
